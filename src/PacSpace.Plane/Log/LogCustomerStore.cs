using System.Data.Common;
using Dapper;
using PacSpace.Hosting.Data;

namespace PacSpace.Plane.Log;

/// <summary>
/// Owner of <c>log_customers</c>: the customers of each tenant's log, numbered (deltas refer to them by number), each
/// written once by the group commit that appends its first delta (that delta's index and time). A customer's chain
/// head — last sequence, running balance, last time — is its last entry below the signed size: one seek in the chain
/// index, so nothing per customer is rewritten as deltas arrive. A customer whose first delta no head covers yet is
/// not shown.
/// </summary>
internal static class LogCustomerStore
{
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

    // The customer's last entry below the signed size (the MAX is one seek backwards in the chain index).
    private const string Head =
        """
        SELECT c.customer_id, d.customer_seq AS last_seq, d.log_index AS last_index, d.balance_after AS balance, c.first_at, d.recorded_at AS last_at
        FROM log_customers c
        JOIN deltas d ON d.ledger_no = c.ledger_no AND d.customer_no = c.customer_no AND d.log_index = (
            SELECT MAX(x.log_index) FROM deltas x WHERE x.ledger_no = c.ledger_no AND x.customer_no = c.customer_no AND x.log_index < @TreeSize)
        """;

    public static Task<ChainHead?> FindAsync(DbConnection connection, LogScope scope, string customerId, CancellationToken ct) =>
        connection.QueryFirstOrDefaultAsync<ChainHead>(new CommandDefinition(
            $"{Head} WHERE c.ledger_no = @LedgerNo AND c.customer_id = @customerId AND c.first_index < @TreeSize",
            new { scope.LedgerNo, scope.TreeSize, customerId }, cancellationToken: ct));

    public static async Task<long?> LastSeqAsync(DbConnection connection, LogScope scope, string customerId, CancellationToken ct) =>
        (await FindAsync(connection, scope, customerId, ct))?.LastSeq;

    /// <summary>
    /// One page of the tenant's customers by id, and how many match; <paramref name="search"/> is a case-insensitive part of
    /// the id, LIKE's own wildcards in it matched literally.
    /// </summary>
    public static async Task<(long Total, IReadOnlyList<ChainHead> Rows)> PageAsync(DbConnection connection, LogScope scope, string? search, int limit, long offset,
        CancellationToken ct)
    {
        var pattern = search is null ? null : "%" + search.ToLowerInvariant().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
        var filter = "c.ledger_no = @LedgerNo AND c.first_index < @TreeSize" + (pattern is null ? "" : " AND LOWER(c.customer_id) LIKE @pattern ESCAPE '\\'");
        var args = new { scope.LedgerNo, scope.TreeSize, pattern, limit, offset };
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM log_customers c WHERE {filter}", args, cancellationToken: ct));
        var rows = await connection.QueryAsync<ChainHead>(new CommandDefinition(
            $"{Head} WHERE {filter} ORDER BY c.customer_id LIMIT @limit OFFSET @offset", args, cancellationToken: ct));
        return (total, rows.ToList());
    }
}
