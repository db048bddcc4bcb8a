using System.Text;
using System.Data.Common;
using Dapper;
using PacSpace.Hosting.Data;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Deltas;

/// <summary>
/// The group commit's side of <c>deltas</c>: duplicate checks, customer numbers and chain heads for a batch, and the
/// insert of fully sequenced rows, all in the commit's transaction. On PostgreSQL set-based, one statement per step
/// and batch, never one round trip per delta; SQLite probes and inserts per delta through <see cref="SqliteAppender"/>,
/// in process.
/// </summary>
internal static partial class DeltaStore
{
    /// <summary>A delta with its place in the log, ready to insert; <paramref name="ContentVersion"/> is the version its hash was made under.</summary>
    public sealed record NewEntry(long LedgerNo, long LogIndex, long CustomerNo, long Amount, long CustomerSeq, long? PrevIndex, long BalanceAfter, long RecordedAt,
        byte[] ContentHash, string Reason, string? ReferenceId, string? IdempotencyKey, string? Metadata, string? Adjusts, int ContentVersion);

    /// <summary>The head of a customer's chain as the writer extends it.</summary>
    public readonly record struct Head(long Seq, long Index, long Balance);

    /// <summary>
    /// PostgreSQL: takes the lock on the tenant's log (<c>TenantLedgerStore.LockForAppendAsync</c>) and finds the places in the log
    /// of stored deltas with any of these Idempotency-Keys or referenceIds, in one round trip: the statements go together and run
    /// one after the other, so the look-ups (each with a snapshot of its own under read committed) see everything committed before
    /// the lock was granted. Only the places, through the partial unique indexes alone (they hold the key): the rows themselves
    /// (<see cref="AtIndexesAsync"/>) only for the rare retry, so the common round plans and runs two small statements under the
    /// lock. Null when the tenant has no log here.
    /// </summary>
    public static async Task<(TenantLedgerStore.AppendPoint Point, List<long> Found)?> LockWithDuplicatesAsync(DbConnection c, DbTransaction tx, string tenantId,
        List<string> keys, List<string> refs)
    {
        const string Log = "(SELECT l.ledger_no FROM tenant_ledgers l WHERE l.tenant_id = @tenantId)";
        var sql = new StringBuilder(TenantLedgerStore.LockForAppendSql(DbProvider.Postgres)).Append(';');
        if (keys.Count > 0)
        {
            sql.Append($"SELECT k.log_index FROM deltas k WHERE k.ledger_no = {Log} AND k.idempotency_key = ANY(@keys);");
        }

        if (refs.Count > 0)
        {
            sql.Append($"SELECT r.log_index FROM deltas r WHERE r.ledger_no = {Log} AND r.reference_id = ANY(@refs);");
        }

        await using var grid = await c.QueryMultipleAsync(new CommandDefinition(sql.ToString(), new { tenantId, keys, refs }, tx));
        var point = await grid.ReadSingleOrDefaultAsync<TenantLedgerStore.AppendPoint>();
        var found = new List<long>();
        for (var sets = (keys.Count > 0 ? 1 : 0) + (refs.Count > 0 ? 1 : 0); sets > 0; sets--)
        {
            found.AddRange(await grid.ReadAsync<long>());
        }

        return point is null ? null : (point, found);
    }

    /// <summary>The log's deltas at these indexes (the rows a retry is settled against).</summary>
    public static async Task<List<DeltaRow>> AtIndexesAsync(DbConnection c, DbTransaction tx, DbProvider provider, long ledgerNo, List<long> indexes) =>
        (await c.QueryAsync<DeltaRow>(new CommandDefinition(
            $"{DeltaRow.Select} WHERE d.ledger_no = @ledgerNo AND d.log_index {Match(provider, "indexes")}", new { ledgerNo, indexes }, tx))).ToList();

    /// <summary>Adds customers, each with the index and time of its first delta (PostgreSQL, one statement); returns their numbers.</summary>
    public static async Task<Dictionary<string, long>> AddCustomersAsync(DbConnection c, DbTransaction tx, long ledgerNo, List<(string Id, long FirstIndex, long FirstAt)> customers) =>
        (await c.QueryAsync<(string, long)>(new CommandDefinition(
            """
            INSERT INTO log_customers (ledger_no, customer_id, first_index, first_at)
            SELECT @ledgerNo, * FROM unnest(@ids::text[], @firsts::bigint[], @ats::bigint[])
            RETURNING customer_id, customer_no
            """, new { ledgerNo, ids = customers.Select(x => x.Id).ToArray(), firsts = customers.Select(x => x.FirstIndex).ToArray(), ats = customers.Select(x => x.FirstAt).ToArray() }, tx)))
        .ToDictionary(r => r.Item1, r => r.Item2, StringComparer.Ordinal);

    /// <summary>The newest entry of each of these customers' chains (customers without one are missing).</summary>
    public static async Task<Dictionary<long, Head>> ChainHeadsAsync(DbConnection c, DbTransaction tx, DbProvider provider, List<long> customers)
    {
        var heads = new Dictionary<long, Head>(customers.Count);
        foreach (var chunk in customers.Chunk(500))
        {
            // The head's index: kept in log_customers on SQLite, one seek in the chain index on PostgreSQL (DeltaStore.Walks).
            var rows = await c.QueryAsync<(long CustomerNo, long CustomerSeq, long LogIndex, long BalanceAfter)>(new CommandDefinition(
                $"""
                SELECT c.customer_no, d.customer_seq, d.log_index, d.balance_after FROM log_customers c
                JOIN deltas d ON d.ledger_no = c.ledger_no AND d.log_index = {HeadIndex(provider)}
                WHERE c.customer_no {Match(provider, "chunk")}
                """,
                new { chunk }, tx));
            foreach (var r in rows)
            {
                heads[r.CustomerNo] = new Head(r.CustomerSeq, r.LogIndex, r.BalanceAfter);
            }
        }

        return heads;
    }

    /// <summary>
    /// SQLite: the statement that moves a chain's head in <c>log_customers</c> to its newest entry (<c>?1</c> the customer's
    /// number, <c>?2</c> the entry's log index).
    /// </summary>
    public const string MoveHeadSql = "UPDATE log_customers SET last_index = ?2 WHERE customer_no = ?1";

    /// <summary>
    /// Appends sequenced rows on PostgreSQL in one round trip, with the round's mark (<see cref="MarkAsync"/>) and the log's new
    /// append point, under the lock the round holds (the check of <see cref="AddPlannedCheck"/> holds there).
    /// SQLite goes through <see cref="SqliteAppender"/>.
    /// </summary>
    public static async Task AppendAsync(DbConnection c, DbTransaction tx, List<NewEntry> rows, long ledgerNo, long recordedAt, long firstIndex, long nextIndex)
    {
        await using var batch = c.CreateBatch();
        batch.Transaction = tx;
        AddCheck(batch, 0, ledgerNo, firstIndex, [], []);
        AddWriteIfChecked(batch, 0, rows, ledgerNo, recordedAt, firstIndex, nextIndex);
        if (await ReadWrittenAsync(batch) is not [true])
        {
            throw new InvalidOperationException($"The log {ledgerNo} moved from {firstIndex} under its lock.");
        }
    }

    /// <summary>
    /// Runs a batch of checks and writes (<see cref="AddPlannedCheck"/>, <see cref="AddWriteIfChecked"/>) and returns, in order, what
    /// each write answered: whether it wrote. The other statements' rows (the lock's index, the checks' notes) are passed over.
    /// </summary>
    public static async Task<List<bool>> ReadWrittenAsync(DbBatch batch)
    {
        var written = new List<bool>();
        await using var reader = await batch.ExecuteReaderAsync(CancellationToken.None);
        do
        {
            while (await reader.ReadAsync(CancellationToken.None))
            {
                if (reader.GetFieldType(0) == typeof(bool))
                {
                    written.Add(reader.GetBoolean(0));
                }
            }
        }
        while (await reader.NextResultAsync(CancellationToken.None));

        return written;
    }

    /// <summary>
    /// PostgreSQL, a round planned from what the writer remembers of the log (<c>DeltaWriter</c>), the first of its two parts:
    /// takes the log's lock, then, in a snapshot of its own taken once the lock is granted, checks that the log is still where
    /// the writer left it (its next index is <paramref name="first"/>) and holds none of <paramref name="keys"/> and
    /// <paramref name="refs"/>, and notes the answer in the transaction as the round's <paramref name="slot"/>. The second part,
    /// <see cref="AddWriteIfChecked"/>, writes or not by that note. Both run on kept plans: <see cref="AddCachedPlans"/> comes
    /// first.
    /// </summary>
    public static void AddPlannedCheck(DbBatch batch, int slot, long ledgerNo, long first, List<string> keys, List<string> refs)
    {
        AddPositional(batch, LockSql, ledgerNo);
        AddCheck(batch, slot, ledgerNo, first, keys, refs);
    }

    /// <summary>The lock of <see cref="AddPlannedCheck"/> on the log's row (<c>$1</c>: the log's number).</summary>
    public const string LockSql = "SELECT next_index FROM tenant_ledgers WHERE ledger_no = $1 FOR UPDATE";

    /// <summary>
    /// The check of <see cref="AddPlannedCheck"/> (<c>$1</c>: the log's number, <c>$2</c>: its expected next index, <c>$3</c>: the
    /// round's Idempotency-Keys, <c>$4</c>: its referenceIds; a look-up only for what the round has). Written so that the one plan
    /// a connection keeps for it probes the unique index once per key whatever the tables held when it was made: each look-up is a
    /// lateral subquery with a limit, which the planner cannot turn into a join that scans the log's index entries. Written as a
    /// plain join (or <c>= ANY</c>), a plan made while the log was empty did scan them (<c>PostgresPlanScenarios</c>).
    /// </summary>
    public static string CheckSql(int slot, bool hasKeys, bool hasRefs)
    {
        var noKeys = hasKeys
            ? " AND NOT EXISTS (SELECT 1 FROM unnest($3::text[]) x(v) CROSS JOIN LATERAL (SELECT 1 FROM deltas k WHERE k.ledger_no = $1 AND k.idempotency_key = x.v LIMIT 1) f)"
            : "";
        var noRefs = hasRefs
            ? " AND NOT EXISTS (SELECT 1 FROM unnest($4::text[]) y(v) CROSS JOIN LATERAL (SELECT 1 FROM deltas r WHERE r.ledger_no = $1 AND r.reference_id = y.v LIMIT 1) g)"
            : "";
        return $"SELECT set_config('pacspace.round_{slot}', CASE WHEN EXISTS (SELECT 1 FROM tenant_ledgers WHERE ledger_no = $1 AND next_index = $2{noKeys}{noRefs}) THEN 'at' ELSE '' END, true)";
    }

    /// <summary>
    /// PostgreSQL: the statements that follow in this transaction run on the plan their connection made the first time instead of
    /// one made for every run, and that plan goes along an index wherever there is one. Planning each run of the round's write
    /// took about a quarter of the database server's CPU at saturation, and planning the lock and the check (about 130 µs a round)
    /// more than running them (the connections default to <c>force_custom_plan</c>, see <c>Database.PostgresDefaults</c>). Only
    /// statements whose one plan stays right as the tables grow follow: look-ups by key and by unique index
    /// (<see cref="CheckSql"/>). Both settings end with the transaction.
    /// </summary>
    public static void AddCachedPlans(DbBatch batch)
    {
        Add(batch, "SET LOCAL plan_cache_mode = force_generic_plan");
        Add(batch, "SET LOCAL enable_seqscan = off");
    }

    /// <summary>
    /// Notes in the transaction, as <paramref name="slot"/>, whether the log's next index is <paramref name="first"/> and none of
    /// <paramref name="keys"/> and <paramref name="refs"/> is stored (see <see cref="CheckSql"/>).
    /// </summary>
    private static void AddCheck(DbBatch batch, int slot, long ledgerNo, long first, List<string> keys, List<string> refs) =>
        AddPositional(batch, CheckSql(slot, keys.Count > 0, refs.Count > 0), ledgerNo, first, keys.ToArray(), refs.ToArray());

    /// <summary>
    /// The second part of a round (<see cref="AddPlannedCheck"/>): the rows, the round's mark and the new append point, only if the
    /// check noted as <paramref name="slot"/> held; one row, whether it wrote.
    /// </summary>
    public static void AddWriteIfChecked(DbBatch batch, int slot, List<NewEntry> rows, long ledgerNo, long recordedAt, long first, long next)
    {
        Add(batch,
            $$"""
            WITH ok AS (
                SELECT 1 WHERE current_setting('pacspace.round_{{slot}}') = 'at'),
            mark AS (
                INSERT INTO log_marks (ledger_no, recorded_at, first_index) SELECT @ledgerNo, @recordedAt, @first FROM ok
                ON CONFLICT (ledger_no, recorded_at) DO NOTHING),
            point AS (
                UPDATE tenant_ledgers SET next_index = @next, appended_at = @recordedAt WHERE ledger_no = @ledgerNo AND EXISTS (SELECT 1 FROM ok)),
            appended AS (
                INSERT INTO deltas (ledger_no, log_index, customer_no, amount, customer_seq, prev_index, balance_after, recorded_at, content_hash, reason,
                                    reference_id, idempotency_key, metadata, adjusts, content_version)
                SELECT @ledgerNo, u.i, u.c, u.a, u.s, u.p, u.b, @recordedAt, u.h, u.r, u.ref, u.k, u.m, u.adj, u.v
                FROM unnest(@index::bigint[], @customer::bigint[], @amount::bigint[], @seq::bigint[], @prev::bigint[], @balance::bigint[], @hash::bytea[],
                            @reason::text[], @reference::text[], @key::text[], @metadata::text[], @adjusts::text[], @version::smallint[])
                     AS u(i, c, a, s, p, b, h, r, ref, k, m, adj, v)
                WHERE EXISTS (SELECT 1 FROM ok))
            SELECT EXISTS (SELECT 1 FROM ok)
            """,
            ("ledgerNo", ledgerNo), ("first", first), ("next", next), ("recordedAt", recordedAt),
            ("index", rows.Select(r => r.LogIndex).ToArray()), ("customer", rows.Select(r => r.CustomerNo).ToArray()), ("amount", rows.Select(r => r.Amount).ToArray()),
            ("seq", rows.Select(r => r.CustomerSeq).ToArray()), ("prev", rows.Select(r => r.PrevIndex).ToArray()), ("balance", rows.Select(r => r.BalanceAfter).ToArray()),
            ("hash", rows.Select(r => r.ContentHash).ToArray()), ("reason", rows.Select(r => r.Reason).ToArray()), ("reference", rows.Select(r => r.ReferenceId).ToArray()),
            ("key", rows.Select(r => r.IdempotencyKey).ToArray()), ("metadata", rows.Select(r => r.Metadata).ToArray()), ("adjusts", rows.Select(r => r.Adjusts).ToArray()),
            ("version", rows.Select(r => (short)r.ContentVersion).ToArray()));
    }

    /// <summary>Adds a statement to <paramref name="batch"/>; <c>BEGIN</c> and <c>COMMIT</c> too, for a transaction that is one round trip.</summary>
    public static void Add(DbBatch batch, string sql, params (string Name, object Value)[] parameters)
    {
        var command = batch.CreateBatchCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        batch.BatchCommands.Add(command);
    }

    /// <summary>Adds a statement whose parameters are <c>$1</c>, <c>$2</c>, … in order (unnamed: sent as they are, with no rewriting of the text).</summary>
    private static void AddPositional(DbBatch batch, string sql, params object[] values) =>
        Add(batch, sql, [.. values.Select(v => ("", v))]);

    /// <summary>Notes a group commit's time and first index in the log (the time-to-index map of window reads).</summary>
    public static Task MarkAsync(DbConnection c, DbTransaction tx, long ledgerNo, long recordedAt, long firstIndex) =>
        c.ExecuteAsync(new CommandDefinition(MarkSql, new { ledgerNo, recordedAt, firstIndex }, tx));

    /// <summary>The statement of <see cref="MarkAsync"/>.</summary>
    public const string MarkSql =
        "INSERT INTO log_marks (ledger_no, recorded_at, first_index) VALUES (@ledgerNo, @recordedAt, @firstIndex) ON CONFLICT (ledger_no, recorded_at) DO NOTHING";

    /// <summary>PostgreSQL: the numbers of those of these customers the log has, in one statement.</summary>
    public static async Task<Dictionary<string, long>> FindCustomerNumbersAsync(DbConnection c, DbTransaction tx, long ledgerNo, List<string> ids) =>
        (await c.QueryAsync<(string, long)>(new CommandDefinition(
            "SELECT customer_id, customer_no FROM log_customers WHERE ledger_no = @ledgerNo AND customer_id = ANY(@ids)", new { ledgerNo, ids }, tx)))
        .ToDictionary(r => r.Item1, r => r.Item2, StringComparer.Ordinal);

    // Dapper expands a list for SQLite and passes an array to PostgreSQL, which needs ANY rather than IN.
    private static string Match(DbProvider provider, string name) => provider == DbProvider.Postgres ? $"= ANY(@{name})" : $"IN @{name}";
}
