using PacSpace.Hosting.Data;
using PacSpace.Plane.Features.Keys;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Balances;

/// <summary>The caller's customers by id, one page, optionally those whose id contains a search text (case-insensitive).</summary>
internal sealed class ListCustomers(Database db, EntryIds ids)
{
    public sealed record Input(string? Search, int Page, int Limit);

    public sealed record CustomerSummary(string CustomerId, string LedgerIdentifier, long TotalDeltas, long ComputedBalance, DateTimeOffset FirstDeltaAt, DateTimeOffset LastDeltaAt);

    public sealed record CustomerList(IReadOnlyList<CustomerSummary> Customers, PageInfo Pagination);

    public async Task<CustomerList> HandleAsync(ApiCaller caller, Input input, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var (total, rows) = await LogCustomerStore.PageAsync(connection, await TenantLedgerStore.ScopeAsync(connection, ids, caller.TenantId, ct), input.Search, input.Limit, (long)(input.Page - 1) * input.Limit, ct);
        return new CustomerList(
            rows.Select(r => new CustomerSummary(r.CustomerId, CustomerIds.LedgerIdentifier(r.CustomerId), r.LastSeq, r.Balance,
                DateTimeOffset.FromUnixTimeMilliseconds(r.FirstAt), DateTimeOffset.FromUnixTimeMilliseconds(r.LastAt))).ToList(),
            PageInfo.Of(total, input.Page, input.Limit));
    }
}
