using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PacSpace.Cli;

namespace PacSpace.Benchmarks;

// Register → Sandbox active, measured as a newcomer sees it: from sending the registration until the
// environment row reads `active`. Compared with a bare Kestrel endpoint that parses the same JSON body,
// in the same process, on the same machine, in the same run.
//
//   dotnet run -c Release --project bench/PacSpace.Benchmarks -- activation [--runs 5] [--registrations 100] [--database "Host=…"]
internal static class ActivationBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var runs = Cli.Arg(args, "--runs", 5);
        var registrations = Cli.Arg(args, "--registrations", 100);
        var database = args.SkipWhile(a => a != "--database").Skip(1).FirstOrDefault();

        var activationP50 = new List<double>();
        var activationP99 = new List<double>();
        var serverP99 = new List<double>();
        var registerP99 = new List<double>();
        var bareP99 = new List<double>();
        var loginP50 = new List<double>();
        var loginP99 = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            var bare = await BareKestrelAsync(registrations);
            var (activation, server, register, login) = await ActivationAsync(registrations, database);
            activationP50.Add(Percentile(activation, 50));
            activationP99.Add(Percentile(activation, 99));
            serverP99.Add(Percentile(server, 99));
            registerP99.Add(Percentile(register, 99));
            bareP99.Add(Percentile(bare, 99));
            loginP50.Add(Percentile(login, 50));
            loginP99.Add(Percentile(login, 99));
            Console.WriteLine(FormattableString.Invariant(
                $"run {run}: register→active p50 {activationP50[^1]:0.0} ms, p99 {activationP99[^1]:0.0} ms; register answer p99 {registerP99[^1]:0.0} ms; server-side requested→active p99 {serverP99[^1]:0.0} ms; login p50 {loginP50[^1]:0.0} ms, p99 {loginP99[^1]:0.0} ms; bare Kestrel p99 {bareP99[^1]:0.00} ms"));
        }

        Console.WriteLine();
        Console.WriteLine($"| metric (median of {runs} runs, {registrations} registrations each, {(database is null ? "SQLite" : "PostgreSQL")}) | value |");
        Console.WriteLine("|---|---|");
        Console.WriteLine(FormattableString.Invariant($"| register → Sandbox active, p50 | {Median(activationP50):0.0} ms |"));
        Console.WriteLine(FormattableString.Invariant($"| register → Sandbox active, p99 | {Median(activationP99):0.0} ms |"));
        Console.WriteLine(FormattableString.Invariant($"| register answer (201), p99 | {Median(registerP99):0.0} ms |"));
        Console.WriteLine(FormattableString.Invariant($"| server-side requested → active, p99 | {Median(serverP99):0.0} ms |"));
        Console.WriteLine(FormattableString.Invariant($"| login answer (200), p50 / p99 | {Median(loginP50):0.0} / {Median(loginP99):0.0} ms |"));
        Console.WriteLine(FormattableString.Invariant($"| bare Kestrel JSON POST round trip, p99 | {Median(bareP99):0.00} ms |"));
        return 0;
    }

    static async Task<(List<double> Activation, List<double> Server, List<double> Register, List<double> Login)> ActivationAsync(int count, string? db)
    {
        var dir = BenchStack.NewDirectory();
        await using var stack = await BenchStack.StartAsync(dir, db, new Dictionary<string, string> { ["Auth:LoginRequestsPerMinutePerIp"] = "100000" });

        using var http = new HttpClient { BaseAddress = stack.Url(Role.Dashboard) };
        var control = stack.OpenDatabase(Role.Dashboard);
        var activation = new List<double>();
        var server = new List<double>();
        var register = new List<double>();
        var login = new List<double>();
        for (var i = -5; i < count; i++) // five warm-up registrations
        {
            var email = $"bench-{Guid.NewGuid():N}@example.com";
            var started = Stopwatch.GetTimestamp();
            using var response = await http.PostAsJsonAsync("/dashboard/auth/register", new { name = "Bench User", email, password = "benchmark-password-1", organization = "Bench" });
            var answered = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            response.EnsureSuccessStatusCode();
            var tenantId = (await response.Content.ReadFromJsonAsync<Envelope>())!.Data.TenantId;
            await using var connection = await control.OpenAsync(CancellationToken.None);
            while (true)
            {
                var row = await connection.QuerySingleAsync<(string Status, long? RequestedAt, long? ProvisionedAt)>(
                    "SELECT status, requested_at, provisioned_at FROM environments WHERE tenant_id = @tenantId AND environment = 'sandbox'", new { tenantId });
                if (row.Status == "active")
                {
                    if (i >= 0)
                    {
                        activation.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                        server.Add(row.ProvisionedAt!.Value - row.RequestedAt!.Value);
                        register.Add(answered);
                    }

                    break;
                }

                if (row.Status == "failed" || Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(30))
                {
                    throw new InvalidOperationException($"Sandbox activation for {tenantId} ended {row.Status}.");
                }

                await Task.Delay(1);
            }

            // A login costs one password hash check: the e-mail is marked verified directly so the answer is a session.
            await connection.ExecuteAsync("UPDATE users SET is_verified = 1 WHERE tenant_id = @tenantId", new { tenantId });
            var loginStarted = Stopwatch.GetTimestamp();
            using var session = await http.PostAsJsonAsync("/dashboard/auth/login", new { email, password = "benchmark-password-1" });
            var loggedIn = Stopwatch.GetElapsedTime(loginStarted).TotalMilliseconds;
            session.EnsureSuccessStatusCode();
            if (i >= 0)
            {
                login.Add(loggedIn);
            }
        }

        await stack.DisposeAsync();
        Directory.Delete(dir, recursive: true);
        return (activation, server, register, login);
    }

    static async Task<List<double>> BareKestrelAsync(int count)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.MapPost("/register", async (HttpRequest request) =>
        {
            using var doc = await System.Text.Json.JsonDocument.ParseAsync(request.Body);
            return Results.Json(new { ok = doc.RootElement.GetProperty("email").GetString() }, statusCode: 201);
        });
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        var samples = new List<double>();
        for (var i = -5; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await http.PostAsJsonAsync("/register", new { name = "Bench User", email = $"b{i}@example.com", password = "benchmark-password-1", organization = "Bench" });
            response.EnsureSuccessStatusCode();
            if (i >= 0)
            {
                samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        await app.StopAsync();
        return samples;
    }

    internal static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    internal static double Median(List<double> values) => Percentile(values, 50);
}

internal sealed record Envelope(EnvelopeData Data);

internal sealed record EnvelopeData(string TenantId);

internal static class Cli
{
    public static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>Every value of an option that may repeat (<c>--set A=1 --set B=2</c>).</summary>
    public static IEnumerable<string> All(string[] args, string name)
    {
        for (var i = 0; i + 1 < args.Length; i++)
        {
            if (args[i] == name)
            {
                yield return args[i + 1];
            }
        }
    }

    public static string? Text(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
