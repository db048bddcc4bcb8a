namespace PacSpace.ControlPlane.Features.Audit;

/// <summary>
/// The actions the audit log records, by family (the part before the dot), as the audit page offers them for filtering. The
/// log itself stores whatever a handler writes; an action missing here is still listed, only not offered as a filter.
/// </summary>
internal static class AuditActions
{
    public sealed record Family(string Prefix, string Label, IReadOnlyList<string> Actions);

    public static IReadOnlyList<Family> Families { get; } =
    [
        new("api_key.", "API keys", ["api_key.created", "api_key.renamed", "api_key.disabled", "api_key.enabled", "api_key.rotated", "api_key.revoked"]),
        new("environment.", "Environments", ["environment.activation_started"]),
        new("plan.", "Plan", ["plan.changed"]),
        new("webhook.", "Webhooks",
            ["webhook.created", "webhook.updated", "webhook.enabled", "webhook.disabled", "webhook.secret_rotated", "webhook.deleted", "webhook.tested", "webhook.retried"]),
        new("customer.", "Customers", ["customer.created"]),
        new("password.", "Passwords", ["password.changed", "password.reset"]),
        new("session", "Sessions", ["session.revoked", "sessions.ended"]),
        new("two_factor.", "Two-factor authentication", ["two_factor.enabled", "two_factor.disabled"]),
    ];

    /// <summary>A filter value: a family's prefix followed by <c>*</c> (<c>api_key.*</c>), or one action.</summary>
    public static bool IsFilter(string value) =>
        Families.Any(f => value == f.Prefix + "*" || f.Actions.Contains(value));
}
