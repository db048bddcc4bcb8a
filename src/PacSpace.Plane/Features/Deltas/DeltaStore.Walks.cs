namespace PacSpace.Plane.Features.Deltas;

/// <summary>
/// How a point of a customer's chain is found without an index over every entry (migration 0015): every entry links to the
/// previous one of its customer (<c>prev_index</c>), <c>log_customers</c> holds each chain's head, and every 64th entry
/// (<c>customer_seq % 64 = 0</c>, an anchor) is indexed by log index and by sequence. A walk starts at the first anchor at or
/// beyond the point sought, or at the head when there is none, and follows <c>prev_index</c> back: at most 63 primary-key seeks
/// before the point, then one per entry read. Both walks are one recursive statement, the same on SQLite and PostgreSQL; the
/// anchor term is written exactly as the partial indexes' predicate, which is what lets either planner use them.
/// </summary>
internal static partial class DeltaStore
{
    /// <summary>Entries between two anchors of a chain: a walk seeks at most this many entries before the first it keeps.</summary>
    public const int AnchorSpacing = 64;

    /// <summary>
    /// A common table expression <c>w(customer_no, log_index)</c> whose rows with <c>log_index &lt; @bound</c> are, for each
    /// customer of the log <c>@LedgerNo</c> that <paramref name="customers"/> selects (a condition on <c>log_customers c</c>, or
    /// empty), its last entry below <c>@bound</c>; customers without one are left out. Join <c>deltas</c> on that index for the
    /// entry.
    /// </summary>
    public static string LastBelow(string customers) =>
        $"""
        WITH RECURSIVE w(customer_no, log_index) AS (
            SELECT c.customer_no, COALESCE((
                SELECT a.log_index FROM deltas a
                WHERE a.ledger_no = c.ledger_no AND a.customer_no = c.customer_no AND a.customer_seq % 64 = 0 AND a.log_index >= @bound
                ORDER BY a.log_index LIMIT 1), c.last_index)
            FROM log_customers c WHERE c.ledger_no = @LedgerNo AND c.first_index < @bound{customers}
            UNION ALL
            SELECT w.customer_no, d.prev_index FROM w JOIN deltas d ON d.ledger_no = @LedgerNo AND d.log_index = w.log_index
            WHERE w.log_index >= @bound AND d.prev_index IS NOT NULL)
        """;

    /// <summary>
    /// A common table expression <c>w(log_index)</c> holding the entries of the chain of <c>@customerId</c> in the log
    /// <c>@LedgerNo</c> with a sequence in <c>[@lo, @hi]</c>, and the entries walked to reach them (up to 63 beyond <c>@hi</c>):
    /// join <c>deltas d</c> on it and keep <c>d.customer_seq</c> in <c>[@lo, @hi]</c>.
    /// </summary>
    public const string BySequence =
        """
        WITH RECURSIVE w(log_index) AS (
            SELECT COALESCE((
                SELECT a.log_index FROM deltas a
                WHERE a.ledger_no = c.ledger_no AND a.customer_no = c.customer_no AND a.customer_seq % 64 = 0 AND a.customer_seq >= @hi
                ORDER BY a.customer_seq LIMIT 1), c.last_index)
            FROM log_customers c WHERE c.ledger_no = @LedgerNo AND c.customer_id = @customerId
            UNION ALL
            SELECT d.prev_index FROM w JOIN deltas d ON d.ledger_no = @LedgerNo AND d.log_index = w.log_index
            WHERE d.customer_seq > @lo AND d.prev_index IS NOT NULL)
        """;
}
