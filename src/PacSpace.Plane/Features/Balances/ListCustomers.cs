using PacSpace.Hosting.Data;
using PacSpace.Plane.Features.Keys;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Balances;

/// <summary>
/// The caller's customers by id, one page, optionally those whose id contains a search text (case-insensitive): every customer
/// with a VERIFIED delta and every customer created ahead of its deltas, with the display name and unit label it was created with.
/// </summary>
internal sealed class ListCustomers(Database db, EntryIds ids)
{
    public sealed record Input(string? Search, int Page, int Limit);

    /// <param name="DisplayName">The name it was created with (<c>POST /dashboard/customers</c>); null for a customer known only from its deltas.</param>
    /// <param name="FirstDeltaAt">When its first VERIFIED delta was recorded; null before it has one (created ahead of its deltas).</param>
    public sealed record CustomerSummary(string CustomerId, string? DisplayName, string? UnitLabel, string LedgerIdentifier, long TotalDeltas, long ComputedBalance,
        DateTimeOffset? FirstDeltaAt, DateTimeOffset? LastDeltaAt);

    public sealed record CustomerList(IReadOnlyList<CustomerSummary> Customers, PageInfo Pagination);

    public async Task<CustomerList> HandleAsync(ApiCaller caller, Input input, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var (total, rows) = await LogCustomerStore.PageAsync(connection, db.Provider, await TenantLedgerStore.ScopeAsync(connection, ids, caller.TenantId, ct), input.Search, input.Limit, (long)(input.Page - 1) * input.Limit, ct);
        return new CustomerList(
            rows.Select(r => new CustomerSummary(r.CustomerId, r.DisplayName, r.UnitLabel, CustomerIds.LedgerIdentifier(r.CustomerId), r.LastSeq ?? 0, r.Balance ?? 0,
                Time(r.FirstAt), Time(r.LastAt))).ToList(),
            PageInfo.Of(total, input.Page, input.Limit));
    }

    private static DateTimeOffset? Time(long? ms) => ms is long t ? DateTimeOffset.FromUnixTimeMilliseconds(t) : null;
}
