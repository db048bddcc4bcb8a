using System.Data.Common;
using Dapper;
using PacSpace.Hosting.Data;
using PacSpace.Ledger;

namespace PacSpace.Plane.Features.Records;

/// <summary>
/// Owner of <c>records</c> and <c>record_entries</c>: a record per (tenant's log, record key), written by its first
/// entry; one append-only row per entry, keyed by its place in the tenant's log. Reads by record go through the key's
/// unique index and then the (record, seq) index; the head signer and log readers read entries by place.
/// </summary>
internal static class RecordStore
{
    /// <summary>Every column a read of entries selects, with its record's type, id and key.</summary>
    public const string Select =
        """
        SELECT e.ledger_no, e.log_index, e.record_no, e.seq, e.prev_index, e.lifecycle, e.recorded_at, e.content_hash, e.content, e.reference_id,
               e.idempotency_key, r.record_type, r.entity_id, r.record_key
        FROM record_entries e JOIN records r ON r.record_no = e.record_no
        """;

    /// <summary>A record's number and type, found by its key in a log; null when the log has no such record.</summary>
    public static Task<long?> FindAsync(DbConnection c, DbTransaction? tx, long ledgerNo, byte[] recordKey, CancellationToken ct) =>
        c.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT record_no FROM records WHERE ledger_no = @ledgerNo AND record_key = @recordKey", new { ledgerNo, recordKey }, tx, cancellationToken: ct));

    /// <summary>The record's last entry (its head), or null before its first.</summary>
    public static Task<RecordEntryRow?> HeadAsync(DbConnection c, DbTransaction? tx, long recordNo, CancellationToken ct) =>
        c.QueryFirstOrDefaultAsync<RecordEntryRow>(new CommandDefinition(
            $"{Select} WHERE e.record_no = @recordNo ORDER BY e.seq DESC LIMIT 1", new { recordNo }, tx, cancellationToken: ct));

    /// <summary>The highest seq of each of these records of the log that has entries, by key (hex).</summary>
    public static async Task<Dictionary<string, long>> LastSeqsAsync(DbConnection c, DbTransaction? tx, long ledgerNo, IReadOnlyList<byte[]> keys, CancellationToken ct)
    {
        var found = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var key in keys.DistinctBy(k => Hex.Encode(k)))
        {
            // One seek per key: the key's unique index, then the record's last entry by (record_no, seq).
            var seq = await c.ExecuteScalarAsync<long?>(new CommandDefinition(
                """
                SELECT (SELECT MAX(e.seq) FROM record_entries e WHERE e.record_no = r.record_no) FROM records r
                WHERE r.ledger_no = @ledgerNo AND r.record_key = @key
                """, new { ledgerNo, key }, tx, cancellationToken: ct));
            if (seq is long s)
            {
                found[Hex.Encode(key)] = s;
            }
        }

        return found;
    }

    /// <summary>A record as lists show it, with its head (last entry).</summary>
    public sealed class Listed
    {
        public long RecordNo { get; set; }

        public string RecordType { get; set; } = "";

        public string EntityId { get; set; } = "";

        public byte[] RecordKey { get; set; } = [];

        public long FirstIndex { get; set; }

        public long FirstAt { get; set; }

        public long HeadSeq { get; set; }

        public long HeadIndex { get; set; }

        public int HeadLifecycle { get; set; }

        public long HeadAt { get; set; }
    }

    /// <summary>
    /// A keyset page of the log's records, newest first by the index of their first entry (below <paramref name="before"/>),
    /// of one type when given, each with its head: a seek and a page of the <c>(ledger_no[, record_type], first_index)</c>
    /// index, and one seek of <c>(record_no, seq)</c> per record.
    /// </summary>
    public static async Task<List<Listed>> NewestAsync(DbConnection c, long ledgerNo, string? recordType, long before, int take, CancellationToken ct) =>
        (await c.QueryAsync<Listed>(new CommandDefinition(
            $"""
            SELECT r.record_no, r.record_type, r.entity_id, r.record_key, r.first_index, r.first_at,
                   h.seq AS head_seq, h.log_index AS head_index, h.lifecycle AS head_lifecycle, h.recorded_at AS head_at
            FROM records r
            JOIN record_entries h ON h.record_no = r.record_no AND h.seq = (SELECT MAX(x.seq) FROM record_entries x WHERE x.record_no = r.record_no)
            WHERE r.ledger_no = @ledgerNo{(recordType is null ? "" : " AND r.record_type = @recordType")} AND r.first_index >= 0 AND r.first_index < @before
            ORDER BY r.first_index DESC LIMIT @take
            """, new { ledgerNo, recordType, before, take }, cancellationToken: ct))).ToList();

    /// <summary>The log's entry with this referenceId or Idempotency-Key (the one a retry is settled against), if any.</summary>
    public static async Task<RecordEntryRow?> DuplicateAsync(DbConnection c, DbTransaction tx, long ledgerNo, string? referenceId, string? idempotencyKey,
        CancellationToken ct)
    {
        if (idempotencyKey is not null && await c.QueryFirstOrDefaultAsync<RecordEntryRow>(new CommandDefinition(
                $"{Select} WHERE e.ledger_no = @ledgerNo AND e.log_index = (SELECT k.log_index FROM record_entries k WHERE k.ledger_no = @ledgerNo AND k.idempotency_key = @idempotencyKey)",
                new { ledgerNo, idempotencyKey }, tx, cancellationToken: ct)) is { } byKey)
        {
            return byKey;
        }

        return referenceId is null
            ? null
            : await c.QueryFirstOrDefaultAsync<RecordEntryRow>(new CommandDefinition(
                $"{Select} WHERE e.ledger_no = @ledgerNo AND e.log_index = (SELECT x.log_index FROM record_entries x WHERE x.ledger_no = @ledgerNo AND x.reference_id = @referenceId)",
                new { ledgerNo, referenceId }, tx, cancellationToken: ct));
    }

    /// <summary>Adds a record with the index and time of its first entry; returns its number.</summary>
    public static Task<long> AddAsync(DbConnection c, DbTransaction tx, long ledgerNo, byte[] recordKey, string recordType, string entityId,
        long firstIndex, long firstAt, CancellationToken ct) =>
        c.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO records (ledger_no, record_key, record_type, entity_id, first_index, first_at)
            VALUES (@ledgerNo, @recordKey, @recordType, @entityId, @firstIndex, @firstAt) RETURNING record_no
            """, new { ledgerNo, recordKey, recordType, entityId, firstIndex, firstAt }, tx, cancellationToken: ct));

    /// <summary>Inserts one sequenced entry.</summary>
    public static Task InsertAsync(DbConnection c, DbTransaction tx, RecordEntryRow e, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO record_entries (ledger_no, log_index, record_no, seq, prev_index, lifecycle, recorded_at, content_hash, content, reference_id, idempotency_key)
            VALUES (@LedgerNo, @LogIndex, @RecordNo, @Seq, @PrevIndex, @lifecycle, @RecordedAt, @ContentHash, @Content, @ReferenceId, @IdempotencyKey)
            """, new { e.LedgerNo, e.LogIndex, e.RecordNo, e.Seq, e.PrevIndex, lifecycle = (short)e.Lifecycle, e.RecordedAt, e.ContentHash, e.Content, e.ReferenceId, e.IdempotencyKey },
            tx, cancellationToken: ct));

    /// <summary>One entry of a record by its seq; null when the record has none such.</summary>
    public static Task<RecordEntryRow?> EntryAsync(DbConnection c, long recordNo, long seq, CancellationToken ct) =>
        c.QueryFirstOrDefaultAsync<RecordEntryRow>(new CommandDefinition(
            $"{Select} WHERE e.record_no = @recordNo AND e.seq = @seq", new { recordNo, seq }, cancellationToken: ct));

    /// <summary>A record's entries with a seq in <c>[fromSeq, toSeq]</c>, in order, at most <paramref name="take"/>.</summary>
    public static async Task<List<RecordEntryRow>> RangeAsync(DbConnection c, long recordNo, long fromSeq, long toSeq, int take, CancellationToken ct) =>
        (await c.QueryAsync<RecordEntryRow>(new CommandDefinition(
            $"{Select} WHERE e.record_no = @recordNo AND e.seq >= @fromSeq AND e.seq <= @toSeq ORDER BY e.seq LIMIT @take",
            new { recordNo, fromSeq, toSeq, take }, cancellationToken: ct))).ToList();

    /// <summary>The entries at these places of a log (webhook bodies, public receipts).</summary>
    public static async Task<List<RecordEntryRow>> AtAsync(DbConnection c, DbProvider provider, long ledgerNo, IReadOnlyList<long> indexes, CancellationToken ct) =>
        (await c.QueryAsync<RecordEntryRow>(new CommandDefinition(
            $"{Select} WHERE e.ledger_no = @ledgerNo AND e.log_index {(provider == DbProvider.Postgres ? "= ANY(@indexes)" : "IN @indexes")}",
            new { ledgerNo, indexes = indexes.ToArray() }, cancellationToken: ct))).ToList();

    /// <summary>How many record entries a log holds at indexes <c>[from, to)</c> (the rest of that range are deltas).</summary>
    public static Task<long> CountInRangeAsync(DbConnection c, long ledgerNo, long from, long to, CancellationToken ct) =>
        from >= to
            ? Task.FromResult(0L)
            : c.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM record_entries WHERE ledger_no = @ledgerNo AND log_index >= @from AND log_index < @to",
                new { ledgerNo, from, to }, cancellationToken: ct));

    /// <summary>The head signer's read: the log's record entries at indexes <c>[from, to)</c>, in log order, at most <paramref name="limit"/>.</summary>
    public static async Task<List<RecordEntryRow>> EntriesFromAsync(DbConnection c, long ledgerNo, long from, long to, int limit, CancellationToken ct) =>
        (await c.QueryAsync<RecordEntryRow>(new CommandDefinition(
            """
            SELECT ledger_no, log_index, record_no, seq, prev_index, lifecycle, recorded_at, content_hash FROM record_entries
            WHERE ledger_no = @ledgerNo AND log_index >= @from AND log_index < @to ORDER BY log_index LIMIT @limit
            """, new { ledgerNo, from, to, limit }, cancellationToken: ct))).ToList();
}

/// <summary>A stored entry of a record, as reads see it (with its record's type, id and key where the read joins them).</summary>
internal sealed class RecordEntryRow
{
    public long LedgerNo { get; set; }

    public long LogIndex { get; set; }

    public long RecordNo { get; set; }

    public long Seq { get; set; }

    public long? PrevIndex { get; set; }

    public int Lifecycle { get; set; }

    public long RecordedAt { get; set; }

    public byte[] ContentHash { get; set; } = [];

    /// <summary>The canonical JSON of the content the client sent.</summary>
    public string Content { get; set; } = "";

    public string? ReferenceId { get; set; }

    public string? IdempotencyKey { get; set; }

    public string RecordType { get; set; } = "";

    public string EntityId { get; set; } = "";

    public byte[] RecordKey { get; set; } = [];

    public RecordLifecycle Stage => (RecordLifecycle)Lifecycle;

    /// <summary>The entry this is in its log (its leaf).</summary>
    public RecordLeafEntry Entry() => new(RecordedAt, Seq, PrevIndex, Stage, ContentHash);
}
