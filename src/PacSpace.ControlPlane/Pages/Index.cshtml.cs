using Dapper;
using PacSpace.ControlPlane.Features.Auth;
using PacSpace.ControlPlane.Features.Environments;
using PacSpace.Hosting.Data;

namespace PacSpace.ControlPlane.Pages;

/// <summary>Both environments with live status and URLs, and the recommended setup flow ticking itself off.</summary>
public sealed class IndexModel(Database db) : SignedInPage
{
    internal sealed record Step(string Id, string Title, string Hint, bool Done, string? Href, string? DoneWhenActive = null);

    internal IReadOnlyList<Step> Steps { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var keys = (await connection.QueryAsync<KeyFacts>(new CommandDefinition(
            """
            SELECT environment, COUNT(*) AS keys, MAX(last_used_at) AS last_used_at
            FROM api_keys WHERE tenant_id = @tenantId GROUP BY environment
            """, new { tenantId = User.TenantIdOf() }, cancellationToken: ct))).ToDictionary(k => k.environment);
        var test = keys.GetValueOrDefault("test");
        var live = keys.GetValueOrDefault("live");
        var productionActive = Shell.Status(PacSpaceEnvironment.Production) == Vocabulary.Active;

        // The seed's recommended flow; every tick is read from state, so the list ticks itself off.
        Steps =
        [
            new("verify", "Register and verify your e-mail", "Sandbox is activated for you.", Shell.Me.IsVerified, null),
            new("sandbox-key", "Create a Sandbox API key", "A pk_test_ key, on the API keys page in Sandbox.", test is { keys: > 0 }, "/api-keys"),
            new("build", "Build and test with the Sandbox key", "Ticks once the Sandbox plane has seen the key.", test?.last_used_at is not null, null),
            new("upgrade", "Upgrade your plan", "Pilot or above unlocks Production.", Shell.ProductionAllowed, "/settings#plan"),
            new("activate", "Activate Production", "From Settings; takes a few seconds.", productionActive, "/settings#production", "production"),
            new("live-key", "Create a Production API key", "A pk_live_ key, on the API keys page in Production.", live is { keys: > 0 }, "/api-keys"),
            new("go-live", "Go live", "Switch to Production in the header and use your live key.", !Shell.IsSandbox && live?.last_used_at is not null, null),
        ];
    }

    private sealed class KeyFacts
    {
        public string environment { get; set; } = "";

        public long keys { get; set; }

        public long? last_used_at { get; set; }
    }
}
