using System.Net;
using System.Text.RegularExpressions;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Dashboard;
using PacSpace.IntegrationTests.Infrastructure;

namespace PacSpace.IntegrationTests.Sdk;

/// <summary><c>pacspace login</c>, <c>env status|activate</c> and <c>keys create|list|revoke</c> against a real stack, through the SDK's dashboard client.</summary>
public sealed partial class ClientCommandScenarios(SharedStacks shared) : SharedStackTests(Store.Sqlite, null, shared)
{
    [Fact]
    public async Task LoginEnvAndKeys_EndToEnd()
    {
        var session = await Api.ReadyTenantAsync();
        var config = Directory.CreateTempSubdirectory("pacspace-cli-").FullName;
        var url = Stack.Local.Url(Role.Dashboard).ToString();
        try
        {
            var (code, output) = await CliRunner.RunAsync("login", "--email", session.Email, "--password", DashboardApi.Password, "--url", url, "--config-dir", config);
            Assert.True(code == 0, output);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(config, "credentials.json")));
            }

            (code, output) = await CliRunner.RunAsync("env", "status", "--config-dir", config);
            Assert.True(code == 0, output);
            Assert.Matches(@"sandbox\s*│\s*active", output);
            Assert.Matches(@"production\s*│\s*none", output);

            // Production on the free plan: refused with the API's code, exit 1.
            (code, output) = await CliRunner.RunAsync("env", "activate", "production", "--config-dir", config);
            Assert.Equal(1, code);
            Assert.Contains("PLAN_UPGRADE_REQUIRED", output, StringComparison.Ordinal);

            Assert.Equal(HttpStatusCode.OK, (await Api.PostAsync("/dashboard/billing/plan", new { tier = "pilot" }, session)).Status);
            (code, output) = await CliRunner.RunAsync("env", "activate", "production", "--config-dir", config);
            Assert.True(code == 0, output);
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Equal("production is active (since", lines[^1][..27]);
            Assert.Contains(lines, l => l is "production: activating" or "production: active");

            (code, output) = await CliRunner.RunAsync("keys", "create", "--name", "ci", "--environment", "live", "--config-dir", config);
            Assert.True(code == 0, output);
            var fullKey = LiveKey().Match(output).Value;
            var id = KeyId().Match(output).Value;
            Assert.Equal(HttpStatusCode.OK, (await Stack.WhoAmIAsync(Role.Production, fullKey)).Status);

            (code, output) = await CliRunner.RunAsync("keys", "list", "--environment", "live", "--config-dir", config);
            Assert.True(code == 0, output);
            Assert.Contains(id, output, StringComparison.Ordinal);
            Assert.DoesNotContain(fullKey[29..], output, StringComparison.Ordinal);

            (code, output) = await CliRunner.RunAsync("keys", "revoke", id, "--config-dir", config);
            Assert.True(code == 0, output);
            Assert.Contains("revoked", output, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Unauthorized, (await Stack.WhoAmIAsync(Role.Production, fullKey)).Status);

            (code, output) = await CliRunner.RunAsync("keys", "revoke", "key_nope", "--config-dir", config);
            Assert.Equal(1, code);
            Assert.Contains("NOT_FOUND", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(config, recursive: true);
        }
    }

    [Fact]
    public async Task NotLoggedIn_Exit2WithHowToLogIn()
    {
        var config = Directory.CreateTempSubdirectory("pacspace-cli-").FullName;
        try
        {
            var (code, output) = await CliRunner.RunAsync("env", "status", "--config-dir", config, "--url", Stack.Local.Url(Role.Dashboard).ToString());
            Assert.Equal(2, code);
            Assert.Contains("pacspace login", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(config, recursive: true);
        }
    }

    [GeneratedRegex(@"pk_live_[A-Za-z0-9]+\.sk_live_[A-Za-z0-9]+")]
    private static partial Regex LiveKey();

    [GeneratedRegex(@"key_[0-9a-z]{26}")]
    private static partial Regex KeyId();
}
