using System.Data.Common;
using Dapper;
using PacSpace.Hosting.Data;
using PacSpace.Plane.Features.Deltas;

namespace PacSpace.Plane.Log;

/// <summary>
/// Owner of <c>log_customers</c>: the customers of each tenant's log, numbered (deltas refer to them by number), each
/// written by the group commit that appends its first delta (that delta's index and time) and moved by every group commit
/// that appends to its chain (on SQLite, the log index of its newest entry). A customer's signed
/// chain head is its last entry below the signed size (<see cref="DeltaStore.LastBelow"/>). A customer whose first delta no head covers yet is
/// not shown by its chain; the list shows it anyway when it was created ahead of its deltas (<c>customer_profiles</c>).
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

    // Each selected customer's last entry below the signed size (a walk from the next anchor or the chain's head, DeltaStore.LastBelow).
    private static string Head(DbProvider provider, string customers) =>
        $"""
        {DeltaStore.LastBelow(provider, customers)}
        SELECT c.customer_id, d.customer_seq AS last_seq, d.log_index AS last_index, d.balance_after AS balance, c.first_at, d.recorded_at AS last_at
        FROM w CROSS JOIN deltas d JOIN log_customers c ON c.customer_no = w.customer_no
        WHERE d.ledger_no = @LedgerNo AND d.log_index = w.log_index AND w.log_index < @bound
        """;

    public static Task<ChainHead?> FindAsync(DbConnection connection, LogScope scope, string customerId, CancellationToken ct) =>
        connection.QueryFirstOrDefaultAsync<ChainHead>(new CommandDefinition(
            Head(DeltaStore.ProviderOf(connection), " AND c.customer_id = @customerId"), new { scope.LedgerNo, bound = scope.TreeSize, customerId }, cancellationToken: ct));

    public static async Task<long?> LastSeqAsync(DbConnection connection, LogScope scope, string customerId, CancellationToken ct) =>
        (await FindAsync(connection, scope, customerId, ct))?.LastSeq;

    /// <summary>
    /// Ids of the log's customers whose first delta a signed head covers, in byte order after <paramref name="after"/>, that
    /// start with <paramref name="prefix"/> when given; at most <paramref name="take"/>. A seek and a walk of that many
    /// entries along the id index.
    /// </summary>
    public static async Task<List<string>> IdsAfterAsync(DbConnection connection, DbProvider provider, LogScope scope, string? after, string? prefix, int take,
        CancellationToken ct)
    {
        var id = "customer_id" + ByteOrder.Collate(provider);
        var sql = $"SELECT customer_id FROM log_customers WHERE ledger_no = @LedgerNo AND first_index < @TreeSize"
            + (after is null ? "" : $" AND {id} > @after")
            + (prefix is null ? "" : $" AND {id} >= @prefix AND {id} < @prefixEnd")
            + $" ORDER BY {id} LIMIT @take";
        return (await connection.QueryAsync<string>(new CommandDefinition(sql,
            new { scope.LedgerNo, scope.TreeSize, after, prefix, prefixEnd = prefix is null ? null : ByteOrder.PrefixEnd(prefix), take },
            cancellationToken: ct))).ToList();
    }

    /// <summary>The signed chain heads of these customers of the log (those whose first delta a signed head covers), by id.</summary>
    public static async Task<Dictionary<string, ChainHead>> HeadsAsync(DbConnection connection, DbProvider provider, LogScope scope, IReadOnlyList<string> customerIds,
        CancellationToken ct)
    {
        if (customerIds.Count == 0)
        {
            return [];
        }

        var rows = await connection.QueryAsync<ChainHead>(new CommandDefinition(
            Head(provider, $" AND c.customer_id {(provider == DbProvider.Postgres ? "= ANY(@ids)" : "IN @ids")}"),
            new { scope.LedgerNo, bound = scope.TreeSize, ids = customerIds.ToArray() }, cancellationToken: ct));
        return rows.ToDictionary(r => r.CustomerId, StringComparer.Ordinal);
    }

    /// <summary>One customer of a page of the list: its signed chain head when a head covers its first delta, its profile when it has one.</summary>
    public sealed class Listed
    {
        public string CustomerId { get; set; } = "";

        public string? DisplayName { get; set; }

        public string? UnitLabel { get; set; }

        public long? LastSeq { get; set; }

        public long? Balance { get; set; }

        public long? FirstAt { get; set; }

        public long? LastAt { get; set; }
    }

    /// <summary>
    /// One page of the tenant's customers by id, and how many match: those with a signed delta and those created ahead of
    /// their deltas (<c>customer_profiles</c>), each once, with the profile's name beside the figures. <paramref name="search"/>
    /// is a case-insensitive part of the id, LIKE's own wildcards in it matched literally.
    /// </summary>
    /// <remarks>
    /// The count is the customers with a signed delta plus the profiles of customers without one (one seek, or one hash
    /// probe, per profile). When there are none of the latter the page is read along the chain index alone, as before profiles
    /// existed; otherwise the customers and the profiles are merged in id order, duplicates dropped, reading no further in
    /// either than the page's end. Only the page is then joined to chains and profiles (docs/benchmarks.md, "Customer list").
    /// </remarks>
    public static async Task<(long Total, IReadOnlyList<Listed> Rows)> PageAsync(DbConnection connection, DbProvider provider, LogScope scope, string? search,
        int limit, long offset, CancellationToken ct)
    {
        var pattern = search is null ? null : "%" + search.ToLowerInvariant().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
        var signed = "c.ledger_no = @LedgerNo AND c.first_index < @TreeSize" + (pattern is null ? "" : " AND LOWER(c.customer_id) LIKE @pattern ESCAPE '\\'");
        var profiles = "p.ledger_no = @LedgerNo" + (pattern is null ? "" : " AND LOWER(p.customer_id) LIKE @pattern ESCAPE '\\'");
        var args = new { scope.LedgerNo, scope.TreeSize, pattern, limit, offset, upTo = offset + limit };
        var counts = await connection.QuerySingleAsync<(long Signed, long Ahead)>(new CommandDefinition(
            $"""
            SELECT (SELECT COUNT(*) FROM log_customers c WHERE {signed}) AS signed,
                   (SELECT COUNT(*) FROM customer_profiles p WHERE {profiles} AND NOT EXISTS (
                        SELECT 1 FROM log_customers s WHERE s.ledger_no = p.ledger_no AND s.customer_id = p.customer_id AND s.first_index < @TreeSize)) AS ahead
            """, args, cancellationToken: ct));
        var ids = (counts.Ahead, provider) switch
        {
            (0, _) => $"SELECT c.customer_id FROM log_customers c WHERE {signed} ORDER BY c.customer_id LIMIT @limit OFFSET @offset",
            // Each side bounded to the page's end, so PostgreSQL deduplicates at most that many of each instead of every customer.
            (_, DbProvider.Postgres) => $"""
                (SELECT c.customer_id FROM log_customers c WHERE {signed} ORDER BY c.customer_id LIMIT @upTo)
                UNION
                (SELECT p.customer_id FROM customer_profiles p WHERE {profiles} ORDER BY p.customer_id LIMIT @upTo)
                ORDER BY customer_id LIMIT @limit OFFSET @offset
                """,
            // SQLite merges the two index-ordered sides, dropping duplicates as it goes, and stops at the page's end.
            _ => $"""
                SELECT c.customer_id FROM log_customers c WHERE {signed}
                UNION
                SELECT p.customer_id FROM customer_profiles p WHERE {profiles}
                ORDER BY customer_id LIMIT @limit OFFSET @offset
                """,
        };
        var rows = (await connection.QueryAsync<Listed>(new CommandDefinition(
            $"""
            SELECT u.customer_id, p.display_name, p.unit_label
            FROM ({ids}) u
            LEFT JOIN customer_profiles p ON p.ledger_no = @LedgerNo AND p.customer_id = u.customer_id
            ORDER BY u.customer_id
            """, args, cancellationToken: ct))).ToList();
        // Then the page's chains: customers created ahead of their deltas have none.
        var heads = await HeadsAsync(connection, provider, scope, [.. rows.Select(r => r.CustomerId)], ct);
        foreach (var row in rows)
        {
            if (heads.TryGetValue(row.CustomerId, out var head))
            {
                (row.LastSeq, row.Balance, row.FirstAt, row.LastAt) = (head.LastSeq, head.Balance, head.FirstAt, head.LastAt);
            }
        }

        return (counts.Signed + counts.Ahead, rows);
    }
}
