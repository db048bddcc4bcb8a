using System.Data.Common;
using Dapper;
using PacSpace.Hosting.Data;

namespace PacSpace.Plane.Features.Deltas;

/// <summary>
/// The group commit's side of <c>deltas</c>: duplicate checks, customer numbers and chain heads for a batch, and the
/// insert of fully sequenced rows, all in the commit's transaction. Set-based on both engines: one statement per step
/// and batch, never one round trip per delta on PostgreSQL.
/// </summary>
internal static partial class DeltaStore
{
    /// <summary>A delta with its place in the log, ready to insert.</summary>
    public sealed record NewEntry(long LedgerNo, long LogIndex, long CustomerNo, long Amount, long CustomerSeq, long? PrevIndex, long BalanceAfter, long RecordedAt,
        byte[] ContentHash, string Reason, string? ReferenceId, string? IdempotencyKey, string? Metadata, string? Adjusts);

    /// <summary>The head of a customer's chain as the writer extends it.</summary>
    public readonly record struct Head(long Seq, long Index, long Balance);

    /// <summary>The log's stored deltas with any of these Idempotency-Keys or referenceIds.</summary>
    public static async Task<List<DeltaRow>> DuplicatesAsync(DbConnection c, DbTransaction tx, DbProvider provider, long ledgerNo, List<string> keys, List<string> refs)
    {
        if (keys.Count == 0 && refs.Count == 0)
        {
            return [];
        }

        // The places first, through the partial unique indexes alone (covering: they hold the key), then the rows by
        // place. Asked for the rows directly, SQLite's planner (without statistics) prefers walking the tenant's log.
        var rows = new List<DeltaRow>();
        if (keys.Count > 0)
        {
            rows.AddRange(await c.QueryAsync<DeltaRow>(new CommandDefinition(
                $"""
                {DeltaRow.Select} WHERE d.ledger_no = @ledgerNo
                  AND d.log_index IN (SELECT k.log_index FROM deltas k WHERE k.ledger_no = @ledgerNo AND k.idempotency_key {Match(provider, "keys")})
                """, new { ledgerNo, keys }, tx)));
        }

        if (refs.Count > 0)
        {
            rows.AddRange(await c.QueryAsync<DeltaRow>(new CommandDefinition(
                $"""
                {DeltaRow.Select} WHERE d.ledger_no = @ledgerNo
                  AND d.log_index IN (SELECT r.log_index FROM deltas r WHERE r.ledger_no = @ledgerNo AND r.reference_id {Match(provider, "refs")})
                """, new { ledgerNo, refs }, tx)));
        }

        return rows;
    }

    /// <summary>The numbers of these customers of the log, adding the ones it does not know yet.</summary>
    public static async Task<Dictionary<string, long>> CustomerNumbersAsync(DbConnection c, DbTransaction tx, DbProvider provider, long ledgerNo, List<string> ids)
    {
        var found = await FindCustomerNumbersAsync(c, tx, provider, ledgerNo, ids);
        var missing = ids.Where(id => !found.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            // No signed head yet (last_seq 0): the head signer fills it in when it signs the customer's first delta.
            await Database.ExecuteEachAsync(c, tx,
                """
                INSERT INTO log_customers (ledger_no, customer_id, last_seq, last_index, balance, first_at, last_at)
                VALUES (@ledgerNo, @customerId, 0, -1, 0, 0, 0) ON CONFLICT (ledger_no, customer_id) DO NOTHING
                """, ["ledgerNo", "customerId"], missing.Select(id => new object?[] { ledgerNo, id }).ToList(), CancellationToken.None);
            foreach (var (id, no) in await FindCustomerNumbersAsync(c, tx, provider, ledgerNo, missing))
            {
                found[id] = no;
            }
        }

        return found;
    }

    /// <summary>The newest entry of each of these customers' chains (customers without one are missing).</summary>
    public static async Task<Dictionary<long, Head>> ChainHeadsAsync(DbConnection c, DbTransaction tx, DbProvider provider, List<long> customers)
    {
        var heads = new Dictionary<long, Head>(customers.Count);
        foreach (var chunk in customers.Chunk(500))
        {
            // MAX over the chain index is one seek per customer on both engines.
            var rows = await c.QueryAsync<(long CustomerNo, long CustomerSeq, long LogIndex, long BalanceAfter)>(new CommandDefinition(
                $"""
                SELECT c.customer_no, d.customer_seq, d.log_index, d.balance_after FROM log_customers c
                JOIN deltas d ON d.ledger_no = c.ledger_no AND d.customer_no = c.customer_no
                 AND d.log_index = (SELECT MAX(x.log_index) FROM deltas x WHERE x.ledger_no = c.ledger_no AND x.customer_no = c.customer_no)
                WHERE c.customer_no {Match(provider, "chunk")}
                """, new { chunk }, tx));
            foreach (var r in rows)
            {
                heads[r.CustomerNo] = new Head(r.CustomerSeq, r.LogIndex, r.BalanceAfter);
            }
        }

        return heads;
    }

    /// <summary>Inserts sequenced rows: one statement over arrays on PostgreSQL, one prepared statement run per row on SQLite (in process).</summary>
    public static async Task InsertAsync(DbConnection c, DbTransaction tx, DbProvider provider, List<NewEntry> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }

        if (provider == DbProvider.Postgres)
        {
            await c.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO deltas (ledger_no, log_index, customer_no, amount, customer_seq, prev_index, balance_after, recorded_at, content_hash, reason,
                                    reference_id, idempotency_key, metadata, adjusts)
                SELECT * FROM unnest(@ledger::bigint[], @index::bigint[], @customer::bigint[], @amount::bigint[], @seq::bigint[], @prev::bigint[],
                                     @balance::bigint[], @at::bigint[], @hash::bytea[], @reason::text[], @reference::text[], @key::text[], @metadata::text[], @adjusts::text[])
                """,
                new
                {
                    ledger = rows.Select(r => r.LedgerNo).ToArray(), index = rows.Select(r => r.LogIndex).ToArray(), customer = rows.Select(r => r.CustomerNo).ToArray(),
                    amount = rows.Select(r => r.Amount).ToArray(), seq = rows.Select(r => r.CustomerSeq).ToArray(), prev = rows.Select(r => r.PrevIndex).ToArray(),
                    balance = rows.Select(r => r.BalanceAfter).ToArray(), at = rows.Select(r => r.RecordedAt).ToArray(), hash = rows.Select(r => r.ContentHash).ToArray(),
                    reason = rows.Select(r => r.Reason).ToArray(), reference = rows.Select(r => r.ReferenceId).ToArray(), key = rows.Select(r => r.IdempotencyKey).ToArray(),
                    metadata = rows.Select(r => r.Metadata).ToArray(), adjusts = rows.Select(r => r.Adjusts).ToArray(),
                }, tx));
            return;
        }

        await using var command = c.CreateCommand();
        command.Transaction = tx;
        command.CommandText =
            """
            INSERT INTO deltas (ledger_no, log_index, customer_no, amount, customer_seq, prev_index, balance_after, recorded_at, content_hash, reason,
                                reference_id, idempotency_key, metadata, adjusts)
            VALUES (@p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13, @p14)
            """;
        var p = new DbParameter[14];
        for (var i = 0; i < p.Length; i++)
        {
            p[i] = command.CreateParameter();
            p[i].ParameterName = "@p" + (i + 1);
            command.Parameters.Add(p[i]);
        }

        command.Prepare();
        foreach (var r in rows)
        {
            p[0].Value = r.LedgerNo;
            p[1].Value = r.LogIndex;
            p[2].Value = r.CustomerNo;
            p[3].Value = r.Amount;
            p[4].Value = r.CustomerSeq;
            p[5].Value = r.PrevIndex is long prev ? prev : DBNull.Value;
            p[6].Value = r.BalanceAfter;
            p[7].Value = r.RecordedAt;
            p[8].Value = r.ContentHash;
            p[9].Value = r.Reason;
            p[10].Value = (object?)r.ReferenceId ?? DBNull.Value;
            p[11].Value = (object?)r.IdempotencyKey ?? DBNull.Value;
            p[12].Value = (object?)r.Metadata ?? DBNull.Value;
            p[13].Value = (object?)r.Adjusts ?? DBNull.Value;
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Notes a group commit's time and first index in the log (the time-to-index map of window reads).</summary>
    public static Task MarkAsync(DbConnection c, DbTransaction tx, long ledgerNo, long recordedAt, long firstIndex) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO log_marks (ledger_no, recorded_at, first_index) VALUES (@ledgerNo, @recordedAt, @firstIndex) ON CONFLICT (ledger_no, recorded_at) DO NOTHING",
            new { ledgerNo, recordedAt, firstIndex }, tx));

    private static async Task<Dictionary<string, long>> FindCustomerNumbersAsync(DbConnection c, DbTransaction tx, DbProvider provider, long ledgerNo, List<string> ids)
    {
        var found = new Dictionary<string, long>(ids.Count, StringComparer.Ordinal);
        foreach (var chunk in ids.Chunk(500))
        {
            foreach (var (id, no) in await c.QueryAsync<(string, long)>(new CommandDefinition(
                $"SELECT customer_id, customer_no FROM log_customers WHERE ledger_no = @ledgerNo AND customer_id {Match(provider, "chunk")}", new { ledgerNo, chunk }, tx)))
            {
                found[id] = no;
            }
        }

        return found;
    }

    // Dapper expands a list for SQLite and passes an array to PostgreSQL, which needs ANY rather than IN.
    private static string Match(DbProvider provider, string name) => provider == DbProvider.Postgres ? $"= ANY(@{name})" : $"IN @{name}";
}
