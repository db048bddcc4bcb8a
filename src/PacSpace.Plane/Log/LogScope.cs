namespace PacSpace.Plane.Log;

/// <summary>
/// A tenant's log as one read sees it, read once at its start: the log's number, the size of its latest signed head
/// (the deltas below it are VERIFIED, the rest are QUEUED) and the index the next entry will get. Reads show VERIFIED
/// deltas only, so whatever a read answers is covered by a signed head. The log holds record entries (Records API) too:
/// <see cref="RecordEntries"/> of its <see cref="NextIndex"/> entries are those.
/// </summary>
internal sealed record LogScope(string TenantId, long LedgerNo, long TreeSize, long NextIndex, EntryIds Ids)
{
    /// <summary>The scope of a tenant without a log here: nothing is found in it.</summary>
    public static LogScope None(string tenantId, EntryIds ids) => new(tenantId, -1, 0, 0, ids);

    /// <summary>How many of the log's entries are record entries; the others are deltas.</summary>
    public long RecordEntries { get; init; }

    /// <summary>The deltas the log holds, signed or not.</summary>
    public long Deltas => NextIndex - RecordEntries;

    /// <summary>Entries (deltas and record entries) committed but not yet covered by a signed head.</summary>
    public long Unsigned => NextIndex - TreeSize;

    /// <summary>How the row is read (Dapper).</summary>
    public sealed class Row
    {
        public long LedgerNo { get; set; }

        public long TreeSize { get; set; }

        public long NextIndex { get; set; }

        public long RecordEntries { get; set; }
    }
}
