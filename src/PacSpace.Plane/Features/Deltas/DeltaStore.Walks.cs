using System.Data.Common;
using Microsoft.Data.Sqlite;
using PacSpace.Hosting.Data;

namespace PacSpace.Plane.Features.Deltas;

/// <summary>
/// How a point of a customer's chain is found (migration 0015): every entry links to the previous one of its customer
/// (<c>prev_index</c>), and every 64th entry (<c>customer_seq % 64 = 0</c>, an anchor) is indexed by log index and by
/// sequence. A walk starts at the first anchor at or beyond the point sought, or at the chain's head when there is none, and
/// follows <c>prev_index</c> back: at most 63 primary-key seeks before the point, then one per entry read, in one recursive
/// statement (SQLite). The anchor term is written exactly as the partial indexes' predicate, which is what lets either
/// planner use them. SQLite is told which index (<c>INDEXED BY</c>): for every customer at once (closing balances), its
/// planner preferred the log's primary key, ordered by index, and scanned the log beyond the bound once per customer. Readers
/// join a walk as <c>w CROSS JOIN deltas d</c> with the join's terms in <c>WHERE</c> (valid on both engines): SQLite keeps
/// that order, so the walk's rows drive primary-key seeks; left free, it read a page of one customer's deltas by scanning the
/// log newest first to spare a sort (seconds on 1,000,000 deltas).
/// <para>
/// The engines keep the head differently. SQLite indexes no chain entry by entry (each such index entry put a random page
/// into every commit) and keeps each chain's head in <c>log_customers</c>, moved by the group commit. PostgreSQL keeps its
/// index of every chain entry <c>(ledger_no, customer_no, log_index)</c>: there moving a head row in every commit cost the
/// database more CPU than the index entry (docs/benchmarks.md), so its head, and its last entry below an index, are one
/// seek in that index, and a range of sequences is read along it between the anchors around the range. PostgreSQL runs no
/// recursive statement here: its planner joined the recursive steps with scans of <c>deltas</c>.
/// </para>
/// </summary>
internal static partial class DeltaStore
{
    /// <summary>The engine of a connection.</summary>
    public static DbProvider ProviderOf(DbConnection c) => c is SqliteConnection ? DbProvider.Sqlite : DbProvider.Postgres;

    /// <summary>The log index of the newest entry of the chain of <c>log_customers c</c>.</summary>
    public static string HeadIndex(DbProvider provider) => provider == DbProvider.Sqlite
        ? "c.last_index"
        : "(SELECT MAX(h.log_index) FROM deltas h WHERE h.ledger_no = c.ledger_no AND h.customer_no = c.customer_no)";

    /// <summary>
    /// A common table expression <c>w(customer_no, log_index)</c> whose rows with <c>log_index &lt; @bound</c> are, for each
    /// customer of the log <c>@LedgerNo</c> that <paramref name="customers"/> selects (a condition on <c>log_customers c</c>, or
    /// empty), its last entry below <c>@bound</c>; customers without one are left out. Join <c>deltas</c> on that index for the
    /// entry. On PostgreSQL that entry is found at once (one seek in the chain index) and nothing is walked.
    /// </summary>
    public static string LastBelow(DbProvider provider, string customers) => provider == DbProvider.Sqlite
        ? $"""
          WITH RECURSIVE w(customer_no, log_index) AS (
              SELECT c.customer_no, COALESCE((
                  SELECT a.log_index FROM deltas a INDEXED BY ix_deltas_anchor_index
                  WHERE a.ledger_no = c.ledger_no AND a.customer_no = c.customer_no AND a.customer_seq % 64 = 0 AND a.log_index >= @bound
                  ORDER BY a.log_index LIMIT 1), c.last_index)
              FROM log_customers c WHERE c.ledger_no = @LedgerNo AND c.first_index < @bound{customers}
              UNION ALL
              SELECT w.customer_no, d.prev_index FROM w JOIN deltas d ON d.ledger_no = @LedgerNo AND d.log_index = w.log_index
              WHERE w.log_index >= @bound AND d.prev_index IS NOT NULL)
          """
        // Not recursive, so PostgreSQL plans it inline: one seek per customer, then a primary-key seek per row.
        : $"""
          WITH w(customer_no, log_index) AS (
              SELECT c.customer_no, (SELECT MAX(a.log_index) FROM deltas a WHERE a.ledger_no = c.ledger_no AND a.customer_no = c.customer_no AND a.log_index < @bound)
              FROM log_customers c WHERE c.ledger_no = @LedgerNo AND c.first_index < @bound{customers})
          """;

    /// <summary>
    /// <c>SELECT <paramref name="columns"/></c> of the entries <c>d</c> of the chain of <c>@customerId</c> in the log
    /// <c>@LedgerNo</c> around the sequences <c>[@lo, @hi]</c>, <paramref name="joins"/> after <c>d</c>, up to a <c>WHERE</c>
    /// whose last term the caller continues with <c>AND</c>: keep <c>d.customer_seq</c> in <c>[@lo, @hi]</c>. SQLite walks
    /// back from the anchor at or after <c>@hi</c> (or the head), at most 63 entries beyond <c>@hi</c>. PostgreSQL reads its
    /// index of every chain entry between the anchors around <c>[@lo, @hi]</c>, at most 63 entries beyond either end: its
    /// planner gave the recursive form a join that scanned <c>deltas</c> at every step.
    /// </summary>
    public static string BySequence(DbProvider provider, string columns, string joins) => provider == DbProvider.Sqlite
        ? $"""
          WITH RECURSIVE w(log_index) AS (
              SELECT COALESCE((
                  SELECT a.log_index FROM deltas a INDEXED BY ix_deltas_anchor_seq
                  WHERE a.ledger_no = c.ledger_no AND a.customer_no = c.customer_no AND a.customer_seq % 64 = 0 AND a.customer_seq >= @hi
                  ORDER BY a.customer_seq LIMIT 1), c.last_index)
              FROM log_customers c WHERE c.ledger_no = @LedgerNo AND c.customer_id = @customerId
              UNION ALL
              SELECT d.prev_index FROM w JOIN deltas d ON d.ledger_no = @LedgerNo AND d.log_index = w.log_index
              WHERE d.customer_seq > @lo AND d.prev_index IS NOT NULL)
          SELECT {columns} FROM w CROSS JOIN deltas d {joins}
          WHERE d.ledger_no = @LedgerNo AND d.log_index = w.log_index
          """
        : $"""
          SELECT {columns} FROM log_customers k JOIN deltas d ON d.ledger_no = k.ledger_no AND d.customer_no = k.customer_no {joins}
          WHERE k.ledger_no = @LedgerNo AND k.customer_id = @customerId
            AND d.log_index >= COALESCE((
                SELECT a.log_index FROM deltas a
                WHERE a.ledger_no = k.ledger_no AND a.customer_no = k.customer_no AND a.customer_seq % 64 = 0 AND a.customer_seq <= @lo
                ORDER BY a.customer_seq DESC LIMIT 1), 0)
            AND d.log_index <= COALESCE((
                SELECT a.log_index FROM deltas a
                WHERE a.ledger_no = k.ledger_no AND a.customer_no = k.customer_no AND a.customer_seq % 64 = 0 AND a.customer_seq >= @hi
                ORDER BY a.customer_seq LIMIT 1), 9223372036854775807)
          """;
}
