namespace PacSpace.Contracts.Customers;

/// <summary>
/// A customer created ahead of (or beside) its deltas, as a plane answers <c>POST /dashboard/customers</c> and
/// <c>POST /internal/v1/tenants/{tenantId}/customers</c>; the control plane reads it to answer and audit its own route.
/// </summary>
/// <param name="Environment">The plane's environment name (<c>sandbox</c>, <c>production</c>).</param>
public sealed record CustomerProfileInfo(
    string CustomerId,
    string DisplayName,
    string? UnitLabel,
    string? EventCadence,
    string? SharingStateHint,
    DateTimeOffset CreatedAt,
    string Environment);

/// <summary>How the control plane creates a customer on a plane: <c>POST /internal/v1/tenants/{tenantId}/customers</c>.</summary>
public static class CustomerProvisioning
{
    /// <summary>The body is the client's own JSON body, as it sent it; this header names the dashboard user who sent it.</summary>
    public const string UserHeader = "X-PacSpace-User-Id";

    /// <summary>The client's <c>Idempotency-Key</c>, passed on as it came.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static string Path(string tenantId) => $"/internal/v1/tenants/{Uri.EscapeDataString(tenantId)}/customers";
}
