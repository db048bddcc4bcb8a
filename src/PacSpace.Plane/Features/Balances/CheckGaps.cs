using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Plane.Features.Deltas;
using PacSpace.Plane.Features.Keys;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Balances;

/// <summary>
/// Checks a range of the customer's chain as stored: every sequence number present, each entry pointing at the
/// previous one's log index, and each running balance equal to the previous plus the delta. The sequencer
/// writes chains without gaps; this is how a tenant (or an auditor with its rows) confirms it.
/// </summary>
internal sealed class CheckGaps(Database db, EntryIds ids)
{
    /// <summary>The highest sequence a caller may name: the range then ends at the customer's latest entry.</summary>
    public const long Latest = long.MaxValue / 2;

    public sealed record Input(string CustomerId, long FromSequence, long ToSequence, int Limit);

    public sealed record Gap(long FromSequence, long ToSequence);

    public sealed record ChainBreak(long Sequence, long LogIndex, string Issue);

    public sealed record GapsView(string CustomerId, long FromSequence, long ToSequence, long Checked, long LastSequence, bool HasGaps, IReadOnlyList<Gap> Gaps, IReadOnlyList<ChainBreak> ChainBreaks);

    public async Task<Result<GapsView>> HandleAsync(ApiCaller caller, Input input, CancellationToken ct)
    {
        var (tenantId, customerId, from, limit) = (caller.TenantId, input.CustomerId, input.FromSequence, input.Limit);
        await using var connection = await db.OpenAsync(ct);
        var log = await TenantLedgerStore.ScopeAsync(connection, ids, tenantId, ct);
        if (await LogCustomerStore.LastSeqAsync(connection, log, customerId, ct) is not long lastSeq)
        {
            return new Error(404, CustomerIds.NotFound, "No VERIFIED delta was recorded for this customer in this environment.");
        }

        var to = Math.Min(input.ToSequence, lastSeq);
        // One entry before the range too, to check the first entry's link.
        var rows = await DeltaStore.LinksAsync(connection, log, customerId, Math.Max(1, from - 1), to, limit + 1, ct);

        var gaps = new List<Gap>();
        var breaks = new List<ChainBreak>();
        DeltaStore.ChainLink? previous = null;
        var expected = from;
        long checkedCount = 0;
        foreach (var row in rows)
        {
            if (row.CustomerSeq >= from)
            {
                checkedCount++;
                if (row.CustomerSeq > expected)
                {
                    gaps.Add(new Gap(expected, row.CustomerSeq - 1));
                }

                if (row.CustomerSeq == 1 ? row.PrevIndex is not null || row.BalanceAfter != row.Amount
                    : previous is not null && previous.CustomerSeq == row.CustomerSeq - 1
                        && (row.PrevIndex != previous.LogIndex || row.BalanceAfter != previous.BalanceAfter + row.Amount))
                {
                    breaks.Add(new ChainBreak(row.CustomerSeq, row.LogIndex,
                        row.CustomerSeq == 1 ? "the first entry must have no previous index and a balance equal to its delta"
                            : "the previous index or the running balance does not follow from the previous entry"));
                }

                expected = row.CustomerSeq + 1;
            }

            previous = row;
        }

        var checkedTo = Math.Min(to, from + limit - 1);
        if (expected <= checkedTo)
        {
            gaps.Add(new Gap(expected, checkedTo));
        }

        return new GapsView(customerId, from, checkedTo, checkedCount, lastSeq, gaps.Count > 0, gaps, breaks);
    }
}
