using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using PacSpace.Cli;

namespace PacSpace.Benchmarks;

/// <summary>A tenant of a benchmark stack with an active Sandbox and a test key, set up through the Dashboard API.</summary>
/// <param name="DashboardToken">The user's bearer token for further Dashboard API calls (webhook endpoints).</param>
internal sealed record BenchTenant(string TenantId, string Key, JsonElement WhoAmI, string DashboardToken)
{
    /// <summary>Registers a tenant, moves it to <paramref name="plan"/> when given, waits for Sandbox and creates a test key.</summary>
    public static async Task<BenchTenant> CreateAsync(LocalStack stack, string? plan = null)
    {
        using var http = new HttpClient { BaseAddress = stack.Url(Role.Dashboard) };
        var email = $"bench-{Guid.NewGuid():N}@example.com";
        const string password = "benchmark-password-1";
        (await http.PostAsJsonAsync("/dashboard/auth/register", new { name = "Bench User", email, password, organization = "Bench" })).EnsureSuccessStatusCode();
        // The verification mail is not what is measured here: mark the address verified directly.
        await using (var c = await stack.OpenDatabase(Role.Dashboard).OpenAsync(CancellationToken.None))
        {
            await c.ExecuteAsync("UPDATE users SET is_verified = 1 WHERE email = @email", new { email });
        }

        var login = await (await http.PostAsJsonAsync("/dashboard/auth/login", new { email, password })).Content.ReadFromJsonAsync<JsonElement>();
        var token = login.GetProperty("data").GetProperty("accessToken").GetString()!;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (plan is not null)
        {
            // A paid plan: the free plan stops at 100 deltas. The plan travels with the key created below.
            (await http.PostAsJsonAsync("/dashboard/billing/plan", new { tier = plan })).EnsureSuccessStatusCode();
        }

        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var status = await http.GetFromJsonAsync<JsonElement>("/dashboard/environments/environment-status");
            if (status.GetProperty("data").GetProperty("sandbox").GetProperty("status").GetString() == "active")
            {
                break;
            }

            if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(30))
            {
                throw new InvalidOperationException("Sandbox did not become active.");
            }

            await Task.Delay(20);
        }

        var created = await http.PostAsJsonAsync("/dashboard/api-keys", new { name = "bench" });
        created.EnsureSuccessStatusCode();
        var data = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data");
        var fullKey = data.GetProperty("fullKey").GetString()!;
        using var plane = new HttpClient { BaseAddress = stack.Url(Role.Sandbox) };
        plane.DefaultRequestHeaders.Add("X-Api-Key", fullKey);
        var whoami = await plane.GetFromJsonAsync<JsonElement>("/api/v1/whoami");
        return new BenchTenant(whoami.GetProperty("data").GetProperty("tenantId").GetString()!, fullKey, whoami, token);
    }
}
