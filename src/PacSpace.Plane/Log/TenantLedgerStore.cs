using System.Data.Common;
using Dapper;
using PacSpace.Contracts.Planes;
using PacSpace.Contracts.Webhooks;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Secrets;
using PacSpace.Plane.Features.Deltas;
using PacSpace.Plane.Features.Webhooks;
using PacSpace.Ledger;

namespace PacSpace.Plane.Log;

/// <summary>
/// Owner of <c>tenant_ledgers</c>: each tenant's log on this plane — its origin, Ed25519 signing key (sealed under the
/// key-encryption key, bound to its tenant), latest signed head, and the lease that lets one sequencer at a time append to it.
/// </summary>
internal static class TenantLedgerStore
{
    /// <summary>What the head signer needs to extend and sign a log.</summary>
    public sealed class SequencingState
    {
        public long LedgerNo { get; set; }

        /// <summary>The index the next delta will get: every index below it is committed.</summary>
        public long NextIndex { get; set; }

        public string Origin { get; set; } = "";

        public string KeyName { get; set; } = "";

        public string PrivateKey { get; set; } = "";

        public long TreeSize { get; set; }

        public long? SignedAt { get; set; }
    }

    /// <summary>What checkpoints sign with.</summary>
    public sealed class SigningKey
    {
        public string Origin { get; set; } = "";

        public string KeyName { get; set; } = "";

        public string PrivateKey { get; set; } = "";
    }

    /// <summary>The public side of a log: what a verifier pins, and the latest signed head.</summary>
    public sealed class PublicLog
    {
        public string TenantId { get; set; } = "";

        public string Origin { get; set; } = "";

        public string KeyName { get; set; } = "";

        public string PublicKey { get; set; } = "";

        public long TreeSize { get; set; }

        public string Checkpoint { get; set; } = "";
    }

    /// <summary>Where a group commit appends a tenant's deltas, read under the lock that makes it the log's only appender.</summary>
    public sealed class AppendPoint
    {
        public long LedgerNo { get; set; }

        public long NextIndex { get; set; }

        /// <summary>The time of the last group commit that appended: the next one is never earlier.</summary>
        public long AppendedAt { get; set; }

        /// <summary>The record entries (Records API) among the log's entries: the rest are deltas.</summary>
        public long RecordEntries { get; set; }
    }

    private const string PublicColumns = "tenant_id, origin, key_name, public_key, tree_size, checkpoint";

    /// <summary>The tenant's log as a read sees it: its number, signed size and next index (an empty log when the tenant has none here).</summary>
    public static async Task<LogScope> ScopeAsync(DbConnection connection, EntryIds ids, string tenantId, CancellationToken ct) =>
        await connection.QuerySingleOrDefaultAsync<LogScope.Row>(new CommandDefinition(
            "SELECT ledger_no, tree_size, next_index, record_entries FROM tenant_ledgers WHERE tenant_id = @tenantId", new { tenantId }, cancellationToken: ct))
        is { } row ? new LogScope(tenantId, row.LedgerNo, row.TreeSize, row.NextIndex, ids) { RecordEntries = row.RecordEntries } : LogScope.None(tenantId, ids);

    /// <summary>
    /// The tenant's append point, in the group commit's transaction. On PostgreSQL the row is locked until the commit, so
    /// the replicas' writers append to one log in turn; on SQLite the write transaction already excludes every other writer.
    /// </summary>
    public static Task<AppendPoint?> LockForAppendAsync(DbConnection connection, DbTransaction tx, DbProvider provider, string tenantId) =>
        connection.QuerySingleOrDefaultAsync<AppendPoint>(new CommandDefinition(LockForAppendSql(provider), new { tenantId }, tx));

    /// <summary>The statement of <see cref="LockForAppendAsync"/> (parameter <c>@tenantId</c>).</summary>
    public static string LockForAppendSql(DbProvider provider) =>
        "SELECT ledger_no, next_index, appended_at, record_entries FROM tenant_ledgers WHERE tenant_id = @tenantId" + (provider == DbProvider.Postgres ? " FOR UPDATE" : "");

    /// <summary>Moves the append point after a group commit appended to the log (under the lock of <see cref="LockForAppendAsync"/>; run by <c>SqliteAppender</c>).</summary>
    public const string AppendedSql = "UPDATE tenant_ledgers SET next_index = @nextIndex, appended_at = @appendedAt WHERE ledger_no = @ledgerNo";

    /// <summary>Moves the append point past one record entry (under the lock of <see cref="LockForAppendAsync"/>), counting it as one.</summary>
    public static Task AppendedRecordAsync(DbConnection connection, DbTransaction tx, long ledgerNo, long nextIndex, long appendedAt) =>
        connection.ExecuteAsync(new CommandDefinition(
            "UPDATE tenant_ledgers SET next_index = @nextIndex, appended_at = @appendedAt, record_entries = record_entries + 1 WHERE ledger_no = @ledgerNo",
            new { nextIndex, appendedAt, ledgerNo }, tx));

    /// <summary>The tenants whose logs have committed entries no signed head covers yet.</summary>
    public static async Task<List<string>> UnsignedAsync(DbConnection connection, CancellationToken ct) =>
        (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT tenant_id FROM tenant_ledgers WHERE next_index > tree_size", cancellationToken: ct))).ToList();

    /// <summary>Inserts a new ledger unless the tenant has one, its private key sealed. Returns whether it was created.</summary>
    public static async Task<bool> CreateAsync(DbConnection connection, DbProvider provider, AtRestEncryption secrets, string tenantId, string environment, string origin,
        string publicKey, string privateKey, string root, string checkpoint, long now, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition(
            // PostgreSQL numbers ledgers from an identity column; SQLite, with one writer at a time, takes the next number.
            $"""
            INSERT INTO tenant_ledgers (tenant_id, environment, origin, key_name, public_key, private_key, tree_size, root_hash, checkpoint, created_at{(provider == DbProvider.Postgres ? "" : ", ledger_no")})
            VALUES (@tenantId, @env, @origin, @origin, @publicKey, @privateKey, 0, @root, @checkpoint, @now{(provider == DbProvider.Postgres ? "" : ", (SELECT COALESCE(MAX(ledger_no), 0) + 1 FROM tenant_ledgers)")})
            ON CONFLICT (tenant_id) DO NOTHING
            """,
            new { tenantId, env = environment, origin, publicKey, privateKey = secrets.Seal(privateKey, Purpose(tenantId)), root, checkpoint, now },
            cancellationToken: ct)) == 1;

    /// <summary>Whether the tenant's environment is active on this plane (its ledger exists).</summary>
    public static async Task<bool> ExistsAsync(DbConnection connection, string tenantId, CancellationToken ct) =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM tenant_ledgers WHERE tenant_id = @tenantId", new { tenantId }, cancellationToken: ct)) > 0;

    /// <summary>The ledger as the control plane reads it; null when the tenant has none here.</summary>
    public static async Task<TenantLedgerInfo?> FindInfoAsync(DbConnection connection, string tenantId, CancellationToken ct)
    {
        var row = await connection.QuerySingleOrDefaultAsync<InfoRow>(new CommandDefinition(
            "SELECT tenant_id, environment, origin, key_name, public_key, tree_size, root_hash, checkpoint, created_at FROM tenant_ledgers WHERE tenant_id = @tenantId",
            new { tenantId }, cancellationToken: ct));
        return row is null
            ? null
            : new TenantLedgerInfo(row.TenantId, row.Environment, row.Origin, row.PublicKey,
                SignedNote.VerifierKey(row.KeyName, Convert.FromBase64String(row.PublicKey)),
                row.TreeSize, row.RootHash, row.Checkpoint, DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAt));
    }

    /// <summary>Takes or renews the log's sequencing lease; false while another replica holds it.</summary>
    public static async Task<bool> TryLeaseAsync(DbConnection connection, DbTransaction tx, string tenantId, string owner, long until, long now, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE tenant_ledgers SET lease_owner = @owner, lease_until = @until
            WHERE tenant_id = @tenantId AND (lease_owner IS NULL OR lease_owner = @owner OR lease_until < @now)
            """, new { owner, until, tenantId, now }, tx, cancellationToken: ct)) == 1;

    public static async Task<SequencingState> SequencingStateAsync(DbConnection connection, AtRestEncryption secrets, string tenantId, CancellationToken ct)
    {
        var state = await connection.QuerySingleAsync<SequencingState>(new CommandDefinition(
            "SELECT ledger_no, origin, key_name, private_key, tree_size, next_index, signed_at FROM tenant_ledgers WHERE tenant_id = @tenantId",
            new { tenantId }, cancellationToken: ct));
        state.PrivateKey = secrets.Open(state.PrivateKey, Purpose(tenantId));
        return state;
    }

    /// <summary>
    /// Moves the signed head from <paramref name="previous"/> to <paramref name="size"/>, only while <paramref name="owner"/>
    /// holds the lease and nobody moved the log meanwhile. Returns the rows changed (1, or 0 when the round must roll back).
    /// </summary>
    public static Task<int> AdvanceHeadAsync(DbConnection connection, DbTransaction tx, string tenantId, string owner, long previous, long size, string root,
        string checkpoint, long signedAt, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE tenant_ledgers SET tree_size = @size, root_hash = @root, checkpoint = @checkpoint, signed_at = @signedAt
            WHERE tenant_id = @tenantId AND lease_owner = @owner AND tree_size = @previous
            """, new { size, root, checkpoint, signedAt, tenantId, owner, previous }, tx, cancellationToken: ct));

    /// <summary>
    /// PostgreSQL: a signer's round written in one round trip (<c>BEGIN</c>, the extended tiles, one statement for the head,
    /// <c>COMMIT</c>): the head moves as <see cref="AdvanceHeadAsync"/> moves it, with its size and time
    /// (<see cref="RecordHeadAsync"/>) and its outbox row (<c>WebhookOutbox.HeadSignedAsync</c>), and if it did not move the
    /// transaction fails before its commit. Returns the outbox rows written, or null when the head did not move (lease lost,
    /// or the log moved): then nothing was written.
    /// </summary>
    /// <remarks>
    /// The update takes the log's row, which every group commit locks too. Written statement by statement, the row stayed
    /// locked across the signer's round trips and its continuations, queued in the thread pool behind the very requests
    /// waiting for that lock. Here it is held only while the database writes the head, its time and its outbox row and
    /// commits.
    /// </remarks>
    public static async Task<int?> SignInOneTripAsync(DbConnection connection, SignedRound round, CancellationToken ct)
    {
        var (levels, indexes, hashes) = round.Tiles;
        await using var batch = connection.CreateBatch();
        DeltaStore.Add(batch, "BEGIN");
        // The tiles first, before the log's row is locked: the lock is then held only for the head, its time, its outbox row
        // and the commit.
        DeltaStore.Add(batch,
            """
            INSERT INTO log_tiles (tenant_id, level, idx, hashes)
            SELECT @tenantId, t.level, t.idx, t.hashes FROM unnest(@levels::integer[], @indexes::bigint[], @hashes::bytea[]) AS t(level, idx, hashes)
            ON CONFLICT (tenant_id, level, idx) DO UPDATE SET hashes = excluded.hashes
            """,
            ("tenantId", round.TenantId), ("levels", levels), ("indexes", indexes), ("hashes", hashes));
        // The last column divides by the rows the head update changed: when it changed none, the statement fails with
        // division_by_zero, the COMMIT after it does not run, and the tiles above are rolled back with everything else.
        DeltaStore.Add(batch,
            $"""
             WITH head AS (
                 UPDATE tenant_ledgers SET tree_size = @size, root_hash = @root, checkpoint = @checkpoint, signed_at = @signedAt
                 WHERE tenant_id = @tenantId AND lease_owner = @owner AND tree_size = @previous
                 RETURNING ledger_no),
             recorded AS (
                 INSERT INTO log_heads (ledger_no, size, signed_at) SELECT ledger_no, @size, @signedAt FROM head),
             events AS (
                 INSERT INTO webhook_outbox (tenant_id, event_type, ledger_no, first_index, end_index, created_at)
                 SELECT @tenantId, @type, ledger_no, @previous, @size, @signedAt FROM head WHERE {WebhookOutbox.SubscribedToEither}
                 RETURNING 1)
             SELECT (SELECT COUNT(*) FROM events)::integer, 1 / (SELECT COUNT(*) FROM head)::integer
             """,
            ("tenantId", round.TenantId), ("owner", round.Owner), ("previous", round.Previous), ("size", round.Size), ("root", round.Root),
            ("checkpoint", round.Checkpoint), ("signedAt", round.SignedAt),
            ("type", WebhookOutbox.SignedRange), ("pattern", WebhookOutbox.Pattern(WebhookEvents.DeltaVerified)),
            ("other", WebhookOutbox.Pattern(WebhookEvents.RecordCommitted)));
        DeltaStore.Add(batch, "COMMIT");
        int? events = null;
        try
        {
            await using var reader = await batch.ExecuteReaderAsync(ct);
            do
            {
                while (await reader.ReadAsync(ct))
                {
                    events = reader.GetInt32(0);
                }
            }
            while (await reader.NextResultAsync(ct));
        }
        catch (DbException ex) when (ex.SqlState == DivisionByZero)
        {
            // The head did not move (lease lost, or the log moved): nothing of the round is kept.
            await Database.RollBackQuietlyAsync(connection);
            return null;
        }
        catch
        {
            // Failed before its COMMIT ran: the transaction ends before the connection goes back to the pool.
            await Database.RollBackQuietlyAsync(connection);
            throw;
        }

        return events ?? throw new InvalidOperationException("The signed round's statement returned no row.");
    }

    // SQLSTATE of division_by_zero: how the statement of SignInOneTripAsync ends its transaction when the head did not move.
    private const string DivisionByZero = "22012";

    /// <summary>What <see cref="SignInOneTripAsync"/> writes: the head moved from <see cref="Previous"/> to <see cref="Size"/> by
    /// <see cref="Owner"/>, and the tiles extended up to it.</summary>
    public sealed record SignedRound(string TenantId, string Owner, long Previous, long Size, string Root, string Checkpoint, long SignedAt,
        (int[] Levels, long[] Indexes, byte[][] Hashes) Tiles);

    /// <summary>Keeps a signed head's size and time: a delta's verification time is that of the first head covering it.</summary>
    public static Task RecordHeadAsync(DbConnection connection, DbTransaction tx, long ledgerNo, long size, long signedAt, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO log_heads (ledger_no, size, signed_at) VALUES (@ledgerNo, @size, @signedAt)", new { ledgerNo, size, signedAt }, tx, cancellationToken: ct));

    public static async Task<SigningKey> SigningKeyAsync(DbConnection connection, AtRestEncryption secrets, string tenantId, CancellationToken ct)
    {
        var key = await connection.QuerySingleAsync<SigningKey>(new CommandDefinition(
            "SELECT origin, key_name, private_key FROM tenant_ledgers WHERE tenant_id = @tenantId", new { tenantId }, cancellationToken: ct));
        key.PrivateKey = secrets.Open(key.PrivateKey, Purpose(tenantId));
        return key;
    }

    /// <summary>
    /// Seals every private key stored in the clear (written before sealing existed) or under an earlier KEK with the
    /// current one. Returns how many were re-sealed. Each update is conditional on the value read, so replicas doing
    /// this at the same time do not overwrite each other.
    /// </summary>
    public static async Task<int> ResealAsync(DbConnection connection, AtRestEncryption secrets, CancellationToken ct)
    {
        var count = 0;
        var rows = await connection.QueryAsync<(string TenantId, string PrivateKey)>(new CommandDefinition(
            "SELECT tenant_id, private_key FROM tenant_ledgers", cancellationToken: ct));
        foreach (var (tenantId, stored) in rows.Where(r => secrets.NeedsSealing(r.PrivateKey)).ToList())
        {
            var resealed = secrets.Seal(secrets.Open(stored, Purpose(tenantId)), Purpose(tenantId));
            count += await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE tenant_ledgers SET private_key = @resealed WHERE tenant_id = @tenantId AND private_key = @stored",
                new { resealed, tenantId, stored }, cancellationToken: ct));
        }

        return count;
    }

    /// <summary>Binds a sealed key to its row: copied to another tenant's row it does not open.</summary>
    private static string Purpose(string tenantId) => "tenant_ledgers.private_key/" + tenantId;

    public static Task<PublicLog?> PublicLogAsync(DbConnection connection, string tenantId, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<PublicLog>(new CommandDefinition(
            $"SELECT {PublicColumns} FROM tenant_ledgers WHERE tenant_id = @tenantId", new { tenantId }, cancellationToken: ct));

    public static Task<PublicLog?> PublicLogByNumberAsync(DbConnection connection, long ledgerNo, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<PublicLog>(new CommandDefinition(
            $"SELECT {PublicColumns} FROM tenant_ledgers WHERE ledger_no = @ledgerNo", new { ledgerNo }, cancellationToken: ct));

    public static Task<PublicLog?> PublicLogByOriginAsync(DbConnection connection, string origin, CancellationToken ct) =>
        connection.QueryFirstOrDefaultAsync<PublicLog>(new CommandDefinition(
            $"SELECT {PublicColumns} FROM tenant_ledgers WHERE origin = @origin", new { origin }, cancellationToken: ct));

    private sealed record InfoRow(string TenantId, string Environment, string Origin, string KeyName, string PublicKey, long TreeSize,
        string RootHash, string Checkpoint, long CreatedAt);
}
