using System.Data.Common;
using Dapper;
using PacSpace.Hosting.Data;
using PacSpace.Ledger;

namespace PacSpace.Plane.Features.Checkpoints;

/// <summary>
/// Owner of <c>checkpoints</c> and of <c>checkpoint_balances</c>, the leaves of each checkpoint's balancesRoot: a
/// checkpoint and its leaves are written in one transaction and never change, so one store keeps both.
/// </summary>
internal static class CheckpointStore
{
    /// <summary>The latest checkpoint holding a customer's balance.</summary>
    public sealed class CustomerCheckpoint
    {
        public string CheckpointId { get; set; } = "";

        public string ProofRoot { get; set; } = "";

        public string Period { get; set; } = "";

        public long ClosedAt { get; set; }

        public long Balance { get; set; }
    }

    private static readonly string Insert =
        $"INSERT INTO checkpoints ({CheckpointRow.Columns}) VALUES ({string.Join(", ", CheckpointRow.Columns.Split(", ").Select(c => "@" + Pascal(c)))})";

    private static readonly string Aliased = string.Join(", ", CheckpointRow.Columns.Split(", ").Select(c => "c." + c));

    /// <summary>The stored checkpoint of a window at a log size.</summary>
    public static Task<CheckpointRow?> FindAsync(DbConnection c, string tenantId, long startMs, long endMs, long toSize, CancellationToken ct) =>
        c.QueryFirstOrDefaultAsync<CheckpointRow>(new CommandDefinition(
            $"SELECT {CheckpointRow.Columns} FROM checkpoints WHERE tenant_id = @tenantId AND window_start = @start AND window_end = @end AND to_size = @toSize",
            new { tenantId, start = startMs, end = endMs, toSize }, cancellationToken: ct));

    /// <summary>Writes a checkpoint and its leaves in <paramref name="tx"/>; a concurrent close of the same window is a unique violation.</summary>
    public static async Task InsertAsync(DbConnection c, DbTransaction tx, CheckpointRow row, IReadOnlyList<BalanceLeaf> leaves, CancellationToken ct)
    {
        await c.ExecuteAsync(new CommandDefinition(Insert, row, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO checkpoint_balances (checkpoint_id, position, customer_id, customer_seq, last_index, balance) VALUES (@id, @position, @customer, @seq, @index, @balance)",
            leaves.Select((l, i) => new { id = row.CheckpointId, position = i, customer = l.CustomerId, seq = l.LastCustomerSeq, index = l.LastIndex, balance = (long)l.ClosingBalance }).ToList(),
            tx, cancellationToken: ct));
    }

    /// <summary>A checkpoint's closing-balance leaves, in tree order.</summary>
    public static async Task<List<BalanceLeaf>> LeavesAsync(DbConnection c, string checkpointId, CancellationToken ct) =>
        (await c.QueryAsync<Leaf>(new CommandDefinition(
            "SELECT position, customer_id, customer_seq, last_index, balance FROM checkpoint_balances WHERE checkpoint_id = @id ORDER BY position",
            new { id = checkpointId }, cancellationToken: ct))).Select(l => new BalanceLeaf(l.CustomerId, l.CustomerSeq, l.LastIndex, l.Balance)).ToList();

    /// <summary>
    /// One page of the tenant's checkpoints, newest first, and how many match: of one window when given, holding one
    /// customer's balance when given.
    /// </summary>
    public static async Task<(long Total, List<CheckpointRow> Rows)> PageAsync(DbConnection c, string tenantId, long? startMs, long? endMs, string? customerId,
        int limit, long offset, CancellationToken ct)
    {
        var filter = "c.tenant_id = @tenantId"
            + (startMs is null ? "" : " AND c.window_start = @start AND c.window_end = @end")
            + (customerId is null ? "" : " AND EXISTS (SELECT 1 FROM checkpoint_balances b WHERE b.checkpoint_id = c.checkpoint_id AND b.customer_id = @customerId)");
        var args = new { tenantId, start = startMs, end = endMs, customerId, limit, offset };
        var total = await c.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM checkpoints c WHERE {filter}", args, cancellationToken: ct));
        var rows = (await c.QueryAsync<CheckpointRow>(new CommandDefinition(
            $"SELECT {Aliased} FROM checkpoints c WHERE {filter} ORDER BY c.created_at DESC, c.checkpoint_id DESC LIMIT @limit OFFSET @offset",
            args, cancellationToken: ct))).ToList();
        return (total, rows);
    }

    /// <summary>
    /// A keyset page of the tenant's checkpoints, newest first (by creation, the id breaking ties, in byte order), after the
    /// checkpoint <c>(afterCreatedAt, afterId)</c> when given; holding one customer's balance when given. At most
    /// <paramref name="take"/>, read along the tenant's <c>(created_at, checkpoint_id)</c> index.
    /// </summary>
    public static async Task<List<CheckpointRow>> NewestAfterAsync(DbConnection c, DbProvider provider, string tenantId, string? customerId, long? afterCreatedAt,
        string? afterId, int take, CancellationToken ct)
    {
        var id = "c.checkpoint_id" + ByteOrder.Collate(provider);
        var sql = $"SELECT {Aliased} FROM checkpoints c WHERE c.tenant_id = @tenantId"
            + (afterCreatedAt is null ? "" : $" AND c.created_at <= @afterCreatedAt AND (c.created_at < @afterCreatedAt OR {id} < @afterId)")
            + (customerId is null ? "" : " AND EXISTS (SELECT 1 FROM checkpoint_balances b WHERE b.checkpoint_id = c.checkpoint_id AND b.customer_id = @customerId)")
            + $" ORDER BY c.created_at DESC, {id} DESC LIMIT @take";
        return (await c.QueryAsync<CheckpointRow>(new CommandDefinition(sql, new { tenantId, customerId, afterCreatedAt, afterId, take }, cancellationToken: ct))).ToList();
    }

    /// <summary>The latest checkpoint with this proof root, whichever tenant's (public verification).</summary>
    public static Task<CheckpointRow?> LatestByProofRootAsync(DbConnection c, string root, CancellationToken ct) =>
        c.QueryFirstOrDefaultAsync<CheckpointRow>(new CommandDefinition(
            $"SELECT {CheckpointRow.Columns} FROM checkpoints WHERE proof_root = @root ORDER BY created_at DESC, checkpoint_id DESC LIMIT 1",
            new { root }, cancellationToken: ct));

    /// <summary>The log size of the tenant's latest checkpoint with this proof root; null when the tenant has none.</summary>
    public static Task<long?> ToSizeByProofRootAsync(DbConnection c, string tenantId, string root, CancellationToken ct) =>
        c.QueryFirstOrDefaultAsync<long?>(new CommandDefinition(
            "SELECT to_size FROM checkpoints WHERE tenant_id = @tenantId AND proof_root = @root ORDER BY created_at DESC LIMIT 1",
            new { tenantId, root }, cancellationToken: ct));

    /// <summary>The latest (by close time) of the tenant's checkpoints holding the customer's balance, with that balance.</summary>
    public static Task<CustomerCheckpoint?> LatestForCustomerAsync(DbConnection c, string tenantId, string customerId, CancellationToken ct) =>
        c.QueryFirstOrDefaultAsync<CustomerCheckpoint>(new CommandDefinition(
            """
            SELECT c.checkpoint_id, c.proof_root, c.period, c.closed_at, b.balance FROM checkpoints c
            JOIN checkpoint_balances b ON b.checkpoint_id = c.checkpoint_id AND b.customer_id = @customerId
            WHERE c.tenant_id = @tenantId ORDER BY c.closed_at DESC, c.created_at DESC LIMIT 1
            """, new { tenantId, customerId }, cancellationToken: ct));

    /// <summary>A checkpoint with one customer's leaf in its balances root.</summary>
    public sealed class WithCustomer
    {
        public CheckpointRow Checkpoint { get; set; } = new();

        public long CustomerSeq { get; set; }

        public long Balance { get; set; }
    }

    /// <summary>
    /// The tenant's newest checkpoints holding the customer's closing balance, at most <paramref name="take"/>: newest first
    /// along the tenant's index, one seek of the leaf index per checkpoint.
    /// </summary>
    public static async Task<List<WithCustomer>> ForCustomerAsync(DbConnection c, string tenantId, string customerId, int take, CancellationToken ct) =>
        (await c.QueryAsync<CheckpointRow, CustomerLeaf, WithCustomer>(new CommandDefinition(
            $"""
            SELECT {Aliased}, b.customer_seq, b.balance FROM checkpoints c
            JOIN checkpoint_balances b ON b.checkpoint_id = c.checkpoint_id AND b.customer_id = @customerId
            WHERE c.tenant_id = @tenantId ORDER BY c.created_at DESC, c.checkpoint_id DESC LIMIT @take
            """, new { tenantId, customerId, take }, cancellationToken: ct),
            (row, leaf) => new WithCustomer { Checkpoint = row, CustomerSeq = leaf.CustomerSeq, Balance = leaf.Balance }, splitOn: "customer_seq")).ToList();

    private static string Pascal(string column) => string.Concat(column.Split('_').Select(p => char.ToUpperInvariant(p[0]) + p[1..]));

    private sealed class CustomerLeaf
    {
        public long CustomerSeq { get; set; }

        public long Balance { get; set; }
    }

    private sealed class Leaf
    {
        public long Position { get; set; }

        public string CustomerId { get; set; } = "";

        public long CustomerSeq { get; set; }

        public long LastIndex { get; set; }

        public long Balance { get; set; }
    }
}
