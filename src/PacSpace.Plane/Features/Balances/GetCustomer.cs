using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Plane.Features.Checkpoints;
using PacSpace.Plane.Features.Customers;
using PacSpace.Plane.Features.Deltas;
using PacSpace.Plane.Features.Keys;
using PacSpace.Plane.Features.Scopes;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Balances;

/// <summary>
/// One customer: its verified figures, queued deltas, latest checkpoint, optionally one month's figures, its recent activity, and
/// the display name and unit label it was created with. A customer exists from its first delta or from its creation
/// (<c>POST /dashboard/customers</c>), whichever came first; before its first delta its figures are zero.
/// </summary>
internal sealed class GetCustomer(Database db, EntryIds ids, TimeProvider time)
{
    /// <param name="Period">A month (YYYY-MM) whose figures and activity to show, or none.</param>
    /// <param name="Problems">Problems with the other fields, reported together with the period's.</param>
    public sealed record Input(string CustomerId, string? Period, int Page, int Limit, IReadOnlyList<ErrorDetail> Problems);

    public sealed record PeriodView(string Period, DateTimeOffset StartDate, DateTimeOffset EndDate, long OpeningBalance, long ClosingBalance, long DeltaCount, long NetChange);

    public sealed record ActivityItem(long Delta, string Reason, string? ReferenceId, string Status, DateTimeOffset Time, string RecordId, string ReceiptId, string VerificationReference);

    public sealed record Activity(IReadOnlyList<ActivityItem> Items, PageInfo Pagination);

    public sealed record LatestCheckpoint(string CheckpointId, string ProofRoot, string Period, long ClosingBalance, DateTimeOffset ClosedAt);

    /// <param name="DisplayName">The name it was created with; null for a customer known only from its deltas.</param>
    public sealed record CustomerDetail(
        string CustomerId,
        string? DisplayName,
        string? UnitLabel,
        string CustomerReference,
        long TotalDeltas,
        long PendingDeltas,
        long ComputedBalance,
        LatestCheckpoint? LatestCheckpoint,
        PeriodView? Period,
        Activity RecentActivity);

    public async Task<Result<CustomerDetail>> HandleAsync(ApiCaller caller, Input input, CancellationToken ct)
    {
        Window? window = null;
        if (input.Period is not null)
        {
            var scope = ScopeRules.Resolve(new ScopeFields(input.Period, null, null, null, null, null), false, false, time.GetUtcNow(), [.. input.Problems]);
            if (!scope.IsSuccess)
            {
                return scope.Error!;
            }

            window = scope.Value.Window;
        }
        else if (input.Problems.Count > 0)
        {
            return Error.Validation(input.Problems);
        }

        var (tenantId, customerId) = (caller.TenantId, input.CustomerId);
        await using var connection = await db.OpenAsync(ct);
        // Verified figures from the chain head; queued deltas through the (small) queue index.
        var log = await TenantLedgerStore.ScopeAsync(connection, ids, tenantId, ct);
        var chain = await LogCustomerStore.FindAsync(connection, log, customerId, ct);
        var pending = await DeltaStore.CountQueuedAsync(connection, log, customerId, ct);
        var profile = log.LedgerNo < 0 ? null : await CustomerProfileStore.FindAsync(connection, log.LedgerNo, customerId, ct);
        if (chain is null && pending == 0 && profile is null)
        {
            return new Error(404, CustomerIds.NotFound, "No customer with this id was created, and no delta was recorded for it, in this environment.");
        }

        var checkpoint = await CheckpointStore.LatestForCustomerAsync(connection, tenantId, customerId, ct);
        PeriodView? periodView = null;
        long total;
        var (fromIndex, toIndex) = (0L, long.MaxValue);
        if (window is not null)
        {
            // A window is a range of the log: entries are appended in time order.
            (fromIndex, toIndex) = (await DeltaStore.SizeBeforeAsync(connection, log, window.StartMs, ct), await DeltaStore.SizeBeforeAsync(connection, log, window.EndMs, ct));
            var a = await DeltaStore.BeforeIndexAsync(connection, log, customerId, fromIndex, ct);
            var b = await DeltaStore.BeforeIndexAsync(connection, log, customerId, toIndex, ct);
            var (count, net) = ChainReads.Between(a, b);
            periodView = new PeriodView(window.Period, window.Start, window.End, a?.BalanceAfter ?? 0, b?.BalanceAfter ?? a?.BalanceAfter ?? 0, count, net);
            total = count;
        }
        else
        {
            total = chain?.LastSeq ?? 0;
        }

        // VERIFIED deltas, newest first, along the customer's chain indexes; queued ones are counted in pendingDeltas.
        var items = await DeltaStore.NewestFirstAsync(connection, log, customerId, fromIndex, toIndex, input.Limit,
            (long)(input.Page - 1) * input.Limit, ct);
        var activity = items.Select(d => new ActivityItem(d.Amount, d.Reason, d.ReferenceId, d.Status,
            DateTimeOffset.FromUnixTimeMilliseconds(d.RecordedAt), d.RecordId, d.ReceiptId, d.ContentHashHex)).ToList();

        return new CustomerDetail(customerId, profile?.DisplayName, profile?.UnitLabel, CustomerIds.LedgerIdentifier(customerId), chain?.LastSeq ?? 0, pending, chain?.Balance ?? 0,
            checkpoint is null ? null : new LatestCheckpoint(checkpoint.CheckpointId, checkpoint.ProofRoot, checkpoint.Period, checkpoint.Balance,
                DateTimeOffset.FromUnixTimeMilliseconds(checkpoint.ClosedAt)),
            periodView, new Activity(activity, PageInfo.Of(total, input.Page, input.Limit)));
    }
}
