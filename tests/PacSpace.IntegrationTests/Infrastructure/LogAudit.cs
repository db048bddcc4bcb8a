using PacSpace.Ledger;

namespace PacSpace.IntegrationTests.Infrastructure;

/// <summary>A log entry as the plane stores it (the chain fields of a delta row).</summary>
public sealed record StoredEntry(string RecordId, string CustomerId, long Amount, long? LogIndex, long? CustomerSeq, long? PrevIndex, long? BalanceAfter, long? RecordedAt, string ContentHash);

/// <summary>Rebuilds a tenant's log from its stored entries, for tests that audit it after concurrency or a crash.</summary>
public static class LogAudit
{
    /// <summary>
    /// Checks that <paramref name="entries"/> (in log order) are one log: indexes 0..n-1 without gaps, time never
    /// going back, each customer's sequence, previous index and running balance unbroken. Returns the leaf hashes
    /// and each customer's chain head (sequence, last index, balance).
    /// </summary>
    public static (List<byte[]> Leaves, Dictionary<string, (long Seq, long Index, long Balance)> Chains) CheckChains(IReadOnlyList<StoredEntry> entries)
    {
        var chains = new Dictionary<string, (long Seq, long Index, long Balance)>(StringComparer.Ordinal);
        var leaves = new List<byte[]>(entries.Count);
        long lastRecordedAt = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            var r = entries[i];
            var what = $"log entry {i} ({r.RecordId})";
            Assert.True(r.LogIndex == i, $"{what} has index {r.LogIndex}");
            Assert.True(r.RecordedAt >= lastRecordedAt, $"{what} is recorded before the entry ahead of it");
            lastRecordedAt = r.RecordedAt!.Value;

            var chain = chains.GetValueOrDefault(r.CustomerId);
            Assert.True(r.CustomerSeq == chain.Seq + 1, $"{what}: customer {r.CustomerId} sequence {r.CustomerSeq} after {chain.Seq}");
            long? expectedPrev = chain.Seq == 0 ? null : chain.Index;
            Assert.True(r.PrevIndex == expectedPrev, $"{what}: previous index {r.PrevIndex}, expected {expectedPrev}");
            Assert.True(r.BalanceAfter == chain.Balance + r.Amount, $"{what}: balance {r.BalanceAfter} = {chain.Balance} + {r.Amount}?");
            chains[r.CustomerId] = (r.CustomerSeq!.Value, i, r.BalanceAfter!.Value);

            leaves.Add(MerkleTree.HashLeaf(new LeafEntry(lastRecordedAt, r.CustomerSeq.Value, r.PrevIndex, r.BalanceAfter.Value, Convert.FromHexString(r.ContentHash)).Encode()));
        }

        return (leaves, chains);
    }
}
