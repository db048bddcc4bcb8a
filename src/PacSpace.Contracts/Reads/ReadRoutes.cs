namespace PacSpace.Contracts.Reads;

/// <summary>
/// The plane's read-only routes the control plane's pages use: a tenant's ledger data in the plane's environment, under
/// <c>/internal/v1/tenants/{tenantId}/…</c> (service secret required). The tenant comes from the control plane's signed-in
/// user; the plane filters every query by it. Lists are keyset pages: an answer's <c>next</c> is an opaque cursor, sent back
/// as <c>cursor</c> for the page after it (null on the last page).
/// </summary>
public static class ReadRoutes
{
    /// <summary>Most rows one page holds.</summary>
    public const int MaxLimit = 100;

    /// <summary>Longest cursor a plane hands out (and so accepts).</summary>
    public const int MaxCursorLength = 2048;

    /// <summary><c>by</c> of the customer list: search the id's start (case-sensitive).</summary>
    public const string ById = "id";

    /// <summary><c>by</c> of the customer list: search the display name's start (case-insensitive).</summary>
    public const string ByName = "name";

    /// <summary>The <c>status</c> filter of the delta list: covered by a signed head, or not yet.</summary>
    public const string Verified = "verified";

    public const string Queued = "queued";

    public static string Tenant(string tenantId) => "/internal/v1/tenants/" + Uri.EscapeDataString(tenantId);

    public static string Customers(string tenantId) => Tenant(tenantId) + "/customers";

    public static string Customer(string tenantId, string customerId) => Customers(tenantId) + "/" + Uri.EscapeDataString(customerId);

    public static string Deltas(string tenantId) => Tenant(tenantId) + "/deltas";

    public static string Delta(string tenantId, string recordId) => Deltas(tenantId) + "/" + Uri.EscapeDataString(recordId);

    public static string Checkpoints(string tenantId) => Tenant(tenantId) + "/checkpoints";

    public static string Records(string tenantId) => Tenant(tenantId) + "/records";

    public static string Record(string tenantId, string recordType, string entityId) =>
        Records(tenantId) + "/" + Uri.EscapeDataString(recordType) + "/" + Uri.EscapeDataString(entityId);

    public static string Usage(string tenantId) => Tenant(tenantId) + "/usage";
}
