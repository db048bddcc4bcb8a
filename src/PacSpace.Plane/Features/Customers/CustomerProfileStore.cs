using System.Data.Common;
using Dapper;
using PacSpace.Hosting.Data;

namespace PacSpace.Plane.Features.Customers;

/// <summary>
/// Owner of <c>customer_profiles</c>: what a vendor said about a customer when it created it (display name, unit label,
/// cadence and sharing hints), one row per customer of a tenant's log, written once. The customer's figures come from its
/// chain (<see cref="Log.LogCustomerStore"/>), which lists the profile beside them.
/// </summary>
internal static class CustomerProfileStore
{
    /// <summary>One row, as stored.</summary>
    public sealed class Row
    {
        public long LedgerNo { get; set; }

        public string CustomerId { get; set; } = "";

        public string DisplayName { get; set; } = "";

        public string? UnitLabel { get; set; }

        public string? EventCadence { get; set; }

        public string? SharingStateHint { get; set; }

        public string? IdempotencyKey { get; set; }

        public string? CreatedBy { get; set; }

        public long CreatedAt { get; set; }
    }

    private const string Columns = "ledger_no, customer_id, display_name, unit_label, event_cadence, sharing_state_hint, idempotency_key, created_by, created_at";

    /// <summary>Inserts the profile unless the customer (or the idempotency key) already has one in the log. Returns whether it was inserted.</summary>
    public static async Task<bool> InsertAsync(DbConnection connection, DbTransaction tx, Row row, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO customer_profiles ({Columns})
            VALUES (@LedgerNo, @CustomerId, @DisplayName, @UnitLabel, @EventCadence, @SharingStateHint, @IdempotencyKey, @CreatedBy, @CreatedAt)
            ON CONFLICT DO NOTHING
            """, row, tx, cancellationToken: ct)) == 1;

    public static Task<Row?> FindAsync(DbConnection connection, long ledgerNo, string customerId, CancellationToken ct, DbTransaction? tx = null) =>
        connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM customer_profiles WHERE ledger_no = @ledgerNo AND customer_id = @customerId",
            new { ledgerNo, customerId }, tx, cancellationToken: ct));

    public static Task<Row?> FindByIdempotencyKeyAsync(DbConnection connection, long ledgerNo, string idempotencyKey, CancellationToken ct, DbTransaction? tx = null) =>
        connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM customer_profiles WHERE ledger_no = @ledgerNo AND idempotency_key = @idempotencyKey",
            new { ledgerNo, idempotencyKey }, tx, cancellationToken: ct));

    /// <summary>A customer found by the start of its display name: its id and the name as the index orders it (the page's cursor).</summary>
    public sealed class NameMatch
    {
        public string CustomerId { get; set; } = "";

        public string NameKey { get; set; } = "";
    }

    /// <summary>
    /// Ids of the log's profiles in byte order after <paramref name="after"/>, that start with <paramref name="prefix"/> when
    /// given; at most <paramref name="take"/> (a seek and a walk along the id index).
    /// </summary>
    public static async Task<List<string>> IdsAfterAsync(DbConnection connection, DbProvider provider, long ledgerNo, string? after, string? prefix, int take,
        CancellationToken ct)
    {
        var id = "customer_id" + ByteOrder.Collate(provider);
        var sql = "SELECT customer_id FROM customer_profiles WHERE ledger_no = @ledgerNo"
            + (after is null ? "" : $" AND {id} > @after")
            + (prefix is null ? "" : $" AND {id} >= @prefix AND {id} < @prefixEnd")
            + $" ORDER BY {id} LIMIT @take";
        return (await connection.QueryAsync<string>(new CommandDefinition(sql,
            new { ledgerNo, after, prefix, prefixEnd = prefix is null ? null : ByteOrder.PrefixEnd(prefix), take }, cancellationToken: ct))).ToList();
    }

    /// <summary>
    /// Profiles whose display name starts with <paramref name="prefix"/> in any case (the database's <c>lower</c> on both
    /// sides), ordered by that lower-case name and then the id, after the cursor <c>(afterName, afterId)</c> when given; at most
    /// <paramref name="take"/>. A range of the name index.
    /// </summary>
    public static async Task<List<NameMatch>> NamesAfterAsync(DbConnection connection, DbProvider provider, long ledgerNo, string prefix, string? afterName,
        string? afterId, int take, CancellationToken ct)
    {
        var c = ByteOrder.Collate(provider);
        var name = $"lower(display_name){c}";
        var id = $"customer_id{c}";
        var sql = $"SELECT customer_id, lower(display_name) AS name_key FROM customer_profiles WHERE ledger_no = @ledgerNo"
            + $" AND {name} >= lower(@prefix){c} AND {name} < (lower(@prefix) || @top){c}"
            + (afterName is null ? "" : $" AND {name} >= @afterName AND ({name} > @afterName OR {id} > @afterId)")
            + $" ORDER BY {name}, {id} LIMIT @take";
        return (await connection.QueryAsync<NameMatch>(new CommandDefinition(sql,
            new { ledgerNo, prefix, top = ByteOrder.PrefixEnd(""), afterName, afterId, take }, cancellationToken: ct))).ToList();
    }

    /// <summary>The profiles of these customers of the log, by id.</summary>
    public static async Task<Dictionary<string, Row>> FindManyAsync(DbConnection connection, DbProvider provider, long ledgerNo, IReadOnlyList<string> customerIds,
        CancellationToken ct)
    {
        if (customerIds.Count == 0)
        {
            return [];
        }

        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM customer_profiles WHERE ledger_no = @ledgerNo AND customer_id {(provider == DbProvider.Postgres ? "= ANY(@ids)" : "IN @ids")}",
            new { ledgerNo, ids = customerIds.ToArray() }, cancellationToken: ct));
        return rows.ToDictionary(r => r.CustomerId, StringComparer.Ordinal);
    }
}
