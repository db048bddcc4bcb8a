using System.Data.Common;
using Dapper;

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
}
