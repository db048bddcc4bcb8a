using System.Data.Common;
using Dapper;
using PacSpace.Hosting.Data;

namespace PacSpace.Plane.Log;

/// <summary>
/// Owner of <c>log_customers</c>: the customers of each tenant's log, numbered (deltas refer to them by number), each
/// with its signed chain head (last sequence, last index, running balance) — the head signer moves it in the round that
/// signs, the customer and usage routes read it. A customer the group commit has added but whose first delta no head
/// covers yet has <c>last_seq</c> 0 and is not listed.
/// </summary>
internal static class LogCustomerStore
{
    private static readonly string[] AdvanceColumns = ["no", "seq", "index", "balance", "firstAt", "lastAt"];

    /// <summary>One customer's signed chain head.</summary>
    public sealed class ChainHead
    {
        public string CustomerId { get; set; } = "";

        public long LastSeq { get; set; }

        public long LastIndex { get; set; }

        public long Balance { get; set; }

        public long FirstAt { get; set; }

        public long LastAt { get; set; }
    }

    /// <summary>Where a signing round leaves a customer's chain: its last entry in the round, and the time of its first if the round has it.</summary>
    public sealed record Advance(long CustomerNo, long Seq, long Index, long Balance, long FirstAt, long LastAt);

    /// <summary>Moves the signed heads of a signing round's customers, in its write transaction.</summary>
    public static Task AdvanceAsync(DbConnection connection, DbTransaction tx, IEnumerable<Advance> heads, CancellationToken ct) =>
        Database.ExecuteEachAsync(connection, tx,
            """
            UPDATE log_customers SET last_seq = @seq, last_index = @index, balance = @balance, last_at = @lastAt,
                                     first_at = CASE WHEN last_seq = 0 THEN @firstAt ELSE first_at END
            WHERE customer_no = @no
            """, AdvanceColumns, heads.Select(h => new object?[] { h.CustomerNo, h.Seq, h.Index, h.Balance, h.FirstAt, h.LastAt }).ToList(), ct);

    public static Task<ChainHead?> FindAsync(DbConnection connection, LogScope scope, string customerId, CancellationToken ct) =>
        connection.QueryFirstOrDefaultAsync<ChainHead>(new CommandDefinition(
            "SELECT customer_id, last_seq, balance, first_at, last_at FROM log_customers WHERE ledger_no = @LedgerNo AND customer_id = @customerId AND last_seq > 0",
            new { scope.LedgerNo, customerId }, cancellationToken: ct));

    public static Task<long?> LastSeqAsync(DbConnection connection, LogScope scope, string customerId, CancellationToken ct) =>
        connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT last_seq FROM log_customers WHERE ledger_no = @LedgerNo AND customer_id = @customerId AND last_seq > 0",
            new { scope.LedgerNo, customerId }, cancellationToken: ct));

    /// <summary>
    /// One page of the tenant's customers by id, and how many match; <paramref name="search"/> is a case-insensitive part of
    /// the id, LIKE's own wildcards in it matched literally.
    /// </summary>
    public static async Task<(long Total, IReadOnlyList<ChainHead> Rows)> PageAsync(DbConnection connection, LogScope scope, string? search, int limit, long offset,
        CancellationToken ct)
    {
        var pattern = search is null ? null : "%" + search.ToLowerInvariant().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
        var filter = "ledger_no = @LedgerNo AND last_seq > 0" + (pattern is null ? "" : " AND LOWER(customer_id) LIKE @pattern ESCAPE '\\'");
        var args = new { scope.LedgerNo, pattern, limit, offset };
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM log_customers WHERE {filter}", args, cancellationToken: ct));
        var rows = await connection.QueryAsync<ChainHead>(new CommandDefinition(
            $"SELECT customer_id, last_seq, balance, first_at, last_at FROM log_customers WHERE {filter} ORDER BY customer_id LIMIT @limit OFFSET @offset",
            args, cancellationToken: ct));
        return (total, rows.ToList());
    }
}
