using PacSpace.ControlPlane.Features.Auth;
using PacSpace.ControlPlane.Features.Environments;
using PacSpace.ControlPlane.Features.ApiKeys;

namespace PacSpace.ControlPlane.Pages;

/// <summary>Both environments with live status and URLs, and the recommended setup flow ticking itself off.</summary>
public sealed class IndexModel : SignedInPage
{
    internal sealed record Step(string Id, string Title, string Hint, bool Done, string? Href, string? DoneWhenActive = null);

    internal IReadOnlyList<Step> Steps { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var facts = await this.Service<ApiKeyStore>().FactsByEnvironmentAsync(User.TenantIdOf(), ct);
        var test = facts.GetValueOrDefault(PacSpaceEnvironments.TestKeyName);
        var live = facts.GetValueOrDefault(PacSpaceEnvironments.LiveKeyName);
        var productionActive = Shell.Status(PacSpaceEnvironment.Production) == Vocabulary.Active;

        // The seed's recommended flow; every tick is read from state, so the list ticks itself off.
        Steps =
        [
            new("verify", "Register and verify your e-mail", "Sandbox is activated for you.", Shell.Me.IsVerified, null),
            new("sandbox-key", "Create a Sandbox API key", "A pk_test_ key, on the API keys page in Sandbox.", test is { Keys: > 0 }, "/api-keys"),
            new("build", "Build and test with the Sandbox key", "Ticks once the Sandbox plane has seen the key.", test?.LastUsedAt is not null, null),
            new("upgrade", "Upgrade your plan", "Pilot or above unlocks Production.", Shell.ProductionAllowed, "/settings#plan"),
            new("activate", "Activate Production", "From Settings; takes a few seconds.", productionActive, "/settings#production", PacSpaceEnvironments.ProductionName),
            new("live-key", "Create a Production API key", "A pk_live_ key, on the API keys page in Production.", live is { Keys: > 0 }, "/api-keys"),
            new("go-live", "Go live", "Switch to Production in the header and use your live key.", !Shell.IsSandbox && live?.LastUsedAt is not null, null),
        ];
    }
}
