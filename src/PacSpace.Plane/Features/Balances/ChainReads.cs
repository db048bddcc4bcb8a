using System.Data.Common;
using PacSpace.Hosting.Errors;
using PacSpace.Plane.Features.Checkpoints;
using PacSpace.Plane.Features.Deltas;
using PacSpace.Plane.Features.Scopes;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Balances;

/// <summary>
/// Balances read from the customers' chains instead of summed: every entry carries the customer's sequence and
/// running balance, so the deltas between two points number <c>seqB − seqA</c> and add up to <c>balanceB − balanceA</c>.
/// Two index seeks, whatever the number of deltas.
/// </summary>
internal static class ChainReads
{
    /// <summary>A customer's balance over a scope.</summary>
    /// <param name="FromIndex">The first log index of the scope, where its deltas are listed from.</param>
    /// <param name="ToIndex">The log index the scope ends before.</param>
    public sealed record Derived(long Balance, long Net, long Count, string? LatestReceiptId, long FromIndex, long ToIndex);

    /// <summary>The change between two points of a chain (either may be "before the first entry").</summary>
    public static (long Count, long Net) Between(ChainPoint? from, ChainPoint? to) =>
        to is null ? (0, 0) : (to.CustomerSeq - (from?.CustomerSeq ?? 0), to.BalanceAfter - (from?.BalanceAfter ?? 0));

    /// <summary>The customer's balance over a scope: <paramref name="startingBalance"/> plus the scope's net change.</summary>
    public static async Task<Result<Derived>> DeriveAsync(DbConnection connection, LogScope log, string customerId, Scope scope, long startingBalance,
        CancellationToken ct)
    {
        var points = await ResolveAsync(connection, log, customerId, scope, ct);
        if (!points.IsSuccess)
        {
            return points.Error!;
        }

        var (from, to, fromIndex, toIndex) = points.Value;
        var (count, net) = Between(from, to);
        var latest = to is not null && count > 0 ? to.ReceiptId : null;
        return new Derived(startingBalance + net, net, count, latest, fromIndex, toIndex);
    }

    /// <summary>
    /// Where a scope starts and ends for one customer, as chain points; a starting point that does not exist in this
    /// tenant's log is NOT_FOUND (never another tenant's).
    /// </summary>
    public static async Task<Result<(ChainPoint? From, ChainPoint? To, long FromIndex, long ToIndex)>> ResolveAsync(
        DbConnection c, LogScope log, string customerId, Scope scope, CancellationToken ct)
    {
        if (scope.From is { } start)
        {
            var index = start.Type == "proofRoot"
                ? await CheckpointStore.ToSizeByProofRootAsync(c, log.TenantId, start.Value, ct)
                : await DeltaStore.IndexAfterAsync(c, log, start.Value, ct);
            if (index is not long from)
            {
                return new Error(404, ErrorCodes.NotFound, start.Type == "proofRoot"
                    ? "No checkpoint with this proofRoot exists for your account in this environment."
                    : "No VERIFIED delta with this id exists for your account in this environment (a QUEUED delta cannot be a starting point yet).");
            }

            return (await DeltaStore.BeforeIndexAsync(c, log, customerId, from, ct), await DeltaStore.BeforeIndexAsync(c, log, customerId, long.MaxValue, ct),
                from, long.MaxValue);
        }

        // A window is a range of the log: entries are appended in time order.
        var w = scope.Window!;
        var (startIndex, endIndex) = (await DeltaStore.SizeBeforeAsync(c, log, w.StartMs, ct), await DeltaStore.SizeBeforeAsync(c, log, w.EndMs, ct));
        return (await DeltaStore.BeforeIndexAsync(c, log, customerId, startIndex, ct), await DeltaStore.BeforeIndexAsync(c, log, customerId, endIndex, ct),
            startIndex, endIndex);
    }

    /// <summary>The customer's verified deltas of a scope, in log order, one page.</summary>
    public static async Task<IReadOnlyList<DeltaItem>> PageAsync(DbConnection c, LogScope log, string customerId, long fromIndex, long toIndex,
        int limit, long offset, CancellationToken ct) =>
        (await DeltaStore.RangeAsync(c, log, customerId, fromIndex, toIndex, limit, offset, ct)).Select(r => r.ToView()).ToList();
}
