using System.Data.Common;
using Dapper;
using PacSpace.Hosting.Data;

namespace PacSpace.Plane.Log;

/// <summary>
/// Owner of <c>log_customers</c>: each customer's chain head in its tenant's log (last sequence, last index, running
/// balance), written by the sequencer in the round that appends, read by the customer and usage routes.
/// </summary>
internal static class LogCustomerStore
{
    private static readonly string[] UpsertColumns = ["tenantId", "customer_id", "last_seq", "last_index", "balance", "first_at", "last_at"];

    /// <summary>One customer's chain head.</summary>
    public sealed class ChainHead
    {
        public string CustomerId { get; set; } = "";

        public long LastSeq { get; set; }

        public long LastIndex { get; set; }

        public long Balance { get; set; }

        public long FirstAt { get; set; }

        public long LastAt { get; set; }
    }

    /// <summary>The heads of these customers, by id (the ones without a chain yet are missing).</summary>
    public static async Task<Dictionary<string, ChainHead>> LoadAsync(DbConnection connection, DbProvider provider, string tenantId, List<string> ids, CancellationToken ct)
    {
        // Dapper expands a list for SQLite and passes an array to PostgreSQL, which needs ANY rather than IN.
        var match = provider == DbProvider.Postgres ? "= ANY(@chunk)" : "IN @chunk";
        var rows = new Dictionary<string, ChainHead>(StringComparer.Ordinal);
        foreach (var chunk in ids.Chunk(500))
        {
            var found = await connection.QueryAsync<ChainHead>(new CommandDefinition(
                $"SELECT customer_id, last_seq, last_index, balance, first_at, last_at FROM log_customers WHERE tenant_id = @tenantId AND customer_id {match}",
                new { tenantId, chunk }, cancellationToken: ct));
            foreach (var row in found)
            {
                rows[row.CustomerId] = row;
            }
        }

        return rows;
    }

    /// <summary>Writes the heads a sequencer round moved, in its write transaction.</summary>
    public static Task UpsertAsync(DbConnection connection, DbTransaction tx, string tenantId, IEnumerable<ChainHead> heads, CancellationToken ct) =>
        Database.ExecuteEachAsync(connection, tx,
            """
            INSERT INTO log_customers (tenant_id, customer_id, last_seq, last_index, balance, first_at, last_at)
            VALUES (@tenantId, @customer_id, @last_seq, @last_index, @balance, @first_at, @last_at)
            ON CONFLICT (tenant_id, customer_id) DO UPDATE SET last_seq = excluded.last_seq, last_index = excluded.last_index,
                balance = excluded.balance, last_at = excluded.last_at
            """, UpsertColumns, heads.Select(c => new object?[] { tenantId, c.CustomerId, c.LastSeq, c.LastIndex, c.Balance, c.FirstAt, c.LastAt }).ToList(), ct);

    public static Task<ChainHead?> FindAsync(DbConnection connection, string tenantId, string customerId, CancellationToken ct) =>
        connection.QueryFirstOrDefaultAsync<ChainHead>(new CommandDefinition(
            "SELECT customer_id, last_seq, balance, first_at, last_at FROM log_customers WHERE tenant_id = @tenantId AND customer_id = @customerId",
            new { tenantId, customerId }, cancellationToken: ct));

    public static Task<long?> LastSeqAsync(DbConnection connection, string tenantId, string customerId, CancellationToken ct) =>
        connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT last_seq FROM log_customers WHERE tenant_id = @tenantId AND customer_id = @customerId", new { tenantId, customerId }, cancellationToken: ct));

    /// <summary>Appended deltas of the tenant, from the chain heads: no scan of the deltas table.</summary>
    public static Task<long> AppendedCountAsync(DbConnection connection, string tenantId, CancellationToken ct) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COALESCE(SUM(last_seq), 0) FROM log_customers WHERE tenant_id = @tenantId", new { tenantId }, cancellationToken: ct));

    /// <summary>
    /// One page of the tenant's customers by id, and how many match; <paramref name="search"/> is a case-insensitive part of
    /// the id, LIKE's own wildcards in it matched literally.
    /// </summary>
    public static async Task<(long Total, IReadOnlyList<ChainHead> Rows)> PageAsync(DbConnection connection, string tenantId, string? search, int limit, long offset,
        CancellationToken ct)
    {
        var pattern = search is null ? null : "%" + search.ToLowerInvariant().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
        var filter = "tenant_id = @tenantId" + (pattern is null ? "" : " AND LOWER(customer_id) LIKE @pattern ESCAPE '\\'");
        var args = new { tenantId, pattern, limit, offset };
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM log_customers WHERE {filter}", args, cancellationToken: ct));
        var rows = await connection.QueryAsync<ChainHead>(new CommandDefinition(
            $"SELECT customer_id, last_seq, balance, first_at, last_at FROM log_customers WHERE {filter} ORDER BY customer_id LIMIT @limit OFFSET @offset",
            args, cancellationToken: ct));
        return (total, rows.ToList());
    }
}
