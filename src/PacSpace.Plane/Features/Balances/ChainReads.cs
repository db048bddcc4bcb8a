using Microsoft.AspNetCore.Builder;
using System.Data.Common;
using Dapper;
using PacSpace.Plane.Features.Scopes;
using PacSpace.Hosting.Errors;

namespace PacSpace.Plane.Features.Balances;

/// <summary>A point of a customer's chain: the entry's sequence, log index and running balance.</summary>
internal sealed class ChainPoint
{
    public long customer_seq { get; set; }

    public long log_index { get; set; }

    public long balance_after { get; set; }

    public string receipt_id { get; set; } = "";
}

/// <summary>One verified delta as listed by derive, receipts and customer pages.</summary>
internal sealed class LoggedDelta
{
    public string record_id { get; set; } = "";

    public string receipt_id { get; set; } = "";

    public long amount { get; set; }

    public string reason { get; set; } = "";

    public string? reference_id { get; set; }

    public string status { get; set; } = "";

    public string content_hash { get; set; } = "";

    public long? customer_seq { get; set; }

    public long? log_index { get; set; }

    public long? balance_after { get; set; }

    public long? recorded_at { get; set; }

    public long created_at { get; set; }

    public DeltaItem ToView() => new(record_id, receipt_id, amount, reason, reference_id, status, content_hash, customer_seq, log_index, balance_after,
        recorded_at is long r ? DateTimeOffset.FromUnixTimeMilliseconds(r) : null, DateTimeOffset.FromUnixTimeMilliseconds(created_at));

    public const string Columns = "record_id, receipt_id, amount, reason, reference_id, status, content_hash, customer_seq, log_index, balance_after, recorded_at, created_at";
}

internal sealed record DeltaItem(
    string RecordId,
    string ReceiptId,
    long Delta,
    string Reason,
    string? ReferenceId,
    string Status,
    string ContentHash,
    long? CustomerSeq,
    long? LogIndex,
    long? BalanceAfter,
    DateTimeOffset? RecordedAt,
    DateTimeOffset CreatedAt);

/// <summary>
/// Balances read from the customers' chains instead of summed: every entry carries the customer's sequence and
/// running balance, so the deltas between two points number <c>seqB − seqA</c> and add up to <c>balanceB − balanceA</c>.
/// Two index seeks, whatever the number of deltas.
/// </summary>
internal static class ChainReads
{
    private const string PointColumns = "customer_seq, log_index, balance_after, receipt_id";

    /// <summary>The customer's last entry recorded before <paramref name="timeMs"/>.</summary>
    public static Task<ChainPoint?> BeforeTimeAsync(DbConnection c, string tenantId, string customerId, long timeMs, CancellationToken ct) =>
        c.QueryFirstOrDefaultAsync<ChainPoint>(new CommandDefinition(
            $"""
            SELECT {PointColumns} FROM deltas
            WHERE tenant_id = @tenantId AND customer_id = @customerId AND recorded_at < @timeMs
            ORDER BY recorded_at DESC, log_index DESC LIMIT 1
            """, new { tenantId, customerId, timeMs }, cancellationToken: ct));

    /// <summary>The customer's last entry at a log index below <paramref name="index"/>.</summary>
    public static Task<ChainPoint?> BeforeIndexAsync(DbConnection c, string tenantId, string customerId, long index, CancellationToken ct) =>
        c.QueryFirstOrDefaultAsync<ChainPoint>(new CommandDefinition(
            $"""
            SELECT {PointColumns} FROM deltas
            WHERE tenant_id = @tenantId AND customer_id = @customerId AND log_index < @index
            ORDER BY log_index DESC LIMIT 1
            """, new { tenantId, customerId, index }, cancellationToken: ct));

    /// <summary>The change between two points of a chain (either may be "before the first entry").</summary>
    public static (long Count, long Net) Between(ChainPoint? from, ChainPoint? to) =>
        to is null ? (0, 0) : (to.customer_seq - (from?.customer_seq ?? 0), to.balance_after - (from?.balance_after ?? 0));

    /// <summary>
    /// Where a scope starts and ends for one customer, as chain points; a starting point that does not exist in this
    /// tenant's log is NOT_FOUND (never another tenant's).
    /// </summary>
    public static async Task<Result<(ChainPoint? From, ChainPoint? To, long FromIndex, long ToIndex)>> ResolveAsync(
        DbConnection c, string tenantId, string customerId, Scope scope, CancellationToken ct)
    {
        if (scope.From is { } start)
        {
            long? index = start.Type == "proofRoot"
                ? await c.QueryFirstOrDefaultAsync<long?>(new CommandDefinition(
                    "SELECT to_size FROM checkpoints WHERE tenant_id = @tenantId AND proof_root = @root ORDER BY created_at DESC LIMIT 1",
                    new { tenantId, root = start.Value }, cancellationToken: ct))
                : await c.QueryFirstOrDefaultAsync<long?>(new CommandDefinition(
                    "SELECT log_index + 1 FROM deltas WHERE tenant_id = @tenantId AND (record_id = @id OR receipt_id = @id) AND log_index IS NOT NULL",
                    new { tenantId, id = start.Value }, cancellationToken: ct));
            if (index is not long from)
            {
                return new Error(404, ErrorCodes.NotFound, start.Type == "proofRoot"
                    ? "No checkpoint with this proofRoot exists for your account in this environment."
                    : "No VERIFIED delta with this id exists for your account in this environment (a QUEUED delta cannot be a starting point yet).");
            }

            return (await BeforeIndexAsync(c, tenantId, customerId, from, ct), await BeforeIndexAsync(c, tenantId, customerId, long.MaxValue, ct), from, long.MaxValue);
        }

        var w = scope.Window!;
        var a = await BeforeTimeAsync(c, tenantId, customerId, w.StartMs, ct);
        var b = await BeforeTimeAsync(c, tenantId, customerId, w.EndMs, ct);
        return (a, b, a is null ? 0 : a.log_index + 1, b is null ? 0 : b.log_index + 1);
    }

    /// <summary>The customer's verified deltas of a scope, in log order, one page.</summary>
    public static async Task<IReadOnlyList<DeltaItem>> PageAsync(DbConnection c, string tenantId, string customerId, Scope scope, long fromIndex,
        int limit, long offset, CancellationToken ct)
    {
        var rows = scope.From is not null
            ? await c.QueryAsync<LoggedDelta>(new CommandDefinition(
                $"""
                SELECT {LoggedDelta.Columns} FROM deltas WHERE tenant_id = @tenantId AND customer_id = @customerId AND log_index >= @fromIndex
                ORDER BY log_index LIMIT @limit OFFSET @offset
                """, new { tenantId, customerId, fromIndex, limit, offset }, cancellationToken: ct))
            : await c.QueryAsync<LoggedDelta>(new CommandDefinition(
                $"""
                SELECT {LoggedDelta.Columns} FROM deltas WHERE tenant_id = @tenantId AND customer_id = @customerId
                  AND recorded_at >= @start AND recorded_at < @end
                ORDER BY recorded_at, log_index LIMIT @limit OFFSET @offset
                """, new { tenantId, customerId, start = scope.Window!.StartMs, end = scope.Window.EndMs, limit, offset }, cancellationToken: ct));
        return rows.Select(r => r.ToView()).ToList();
    }
}
