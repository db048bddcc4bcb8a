using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using PacSpace.Ledger;

namespace PacSpace.Benchmarks;

// Offline verification of one receipt with PacSpace.Ledger's ReceiptVerifier, as `pacspace verify` runs it: content
// hash of the canonical delta → entry → leaf hash → signed head (Ed25519) → inclusion proof. The log is built in
// memory with the plane's own types (CompactRange appends, tiles in a MemoryTileStore, the proof read from the tiles),
// so the proof has the length a log of that size gives. Each verification is timed on its own after a warm-up.
//
//   dotnet run -c Release --project bench/PacSpace.Benchmarks -- verify-offline [--runs 5] [--entries 1000000] [--iterations 20000]
internal static class VerifyOfflineBenchmark
{
    public static Task<int> RunAsync(string[] args)
    {
        var runs = Cli.Arg(args, "--runs", 5);
        var entries = Cli.Arg(args, "--entries", 1_000_000);
        var iterations = Cli.Arg(args, "--iterations", 20_000);

        var built = Stopwatch.StartNew();
        var (delta, receipt, publicKey) = BuildLog(entries);
        Console.WriteLine(FormattableString.Invariant($"log of {entries:N0} entries built in {built.Elapsed.TotalSeconds:0.0} s; receipt for entry {receipt.Index:N0}, proof of {receipt.InclusionProof.Count} hashes"));
        var steps = ReceiptVerifier.Verify(delta, receipt, publicKey);
        if (!ReceiptVerifier.Passed(steps))
        {
            throw new InvalidOperationException("The benchmark's receipt does not verify: " + string.Join("; ", steps.Select(s => s.Name + " " + s.Passed)));
        }

        var note = receipt.Checkpoint;
        _ = SignedNote.Verify(note, receipt.Origin, publicKey, out var body);
        _ = Checkpoint.TryParse(body, out var head);
        var leafHash = MerkleTree.HashLeaf(receipt.Entry);

        var whole = new List<double>();
        var wholeP99 = new List<double>();
        var content = new List<double>();
        var signature = new List<double>();
        var inclusion = new List<double>();
        var allocated = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            // Warm-up, then each call timed on its own.
            Time(iterations / 10, () => ReceiptVerifier.Verify(delta, receipt, publicKey));
            var before = GC.GetAllocatedBytesForCurrentThread();
            var w = Time(iterations, () => ReceiptVerifier.Verify(delta, receipt, publicKey));
            allocated.Add((GC.GetAllocatedBytesForCurrentThread() - before) / (double)iterations);
            whole.Add(ActivationBenchmark.Median(w));
            wholeP99.Add(ActivationBenchmark.Percentile(w, 99));
            // The parts, each on its own, for where the time goes.
            content.Add(ActivationBenchmark.Median(Time(iterations, () => DeltaContent.Parse(delta).ContentHash())));
            signature.Add(ActivationBenchmark.Median(Time(iterations, () => SignedNote.Verify(note, receipt.Origin, publicKey, out _))));
            inclusion.Add(ActivationBenchmark.Median(Time(iterations, () => MerkleTree.VerifyInclusion(receipt.Index, head!.Size, leafHash, receipt.InclusionProof, head.RootHash))));
            Console.WriteLine(FormattableString.Invariant(
                $"run {run}: verify one receipt median {whole[^1]:0.0} µs (p99 {wholeP99[^1]:0.0} µs, {allocated[^1]:N0} B allocated); content hash {content[^1]:0.0} µs, signed head {signature[^1]:0.0} µs, inclusion proof {inclusion[^1]:0.0} µs"));
        }

        static double M(List<double> v) => ActivationBenchmark.Median(v);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| metric (median of {runs} runs × {iterations:N0} verifications; log of {entries:N0} entries, proof of {receipt.InclusionProof.Count} hashes) | value |"));
        Console.WriteLine("|---|---|");
        Console.WriteLine(FormattableString.Invariant($"| **verify one receipt offline (all five steps), median per verification** | **{M(whole):0.0} µs** |"));
        Console.WriteLine(FormattableString.Invariant($"| verify one receipt, p99 per verification | {M(wholeP99):0.0} µs |"));
        Console.WriteLine(FormattableString.Invariant($"| of which: content hash (parse, RFC 8785, SHA-256) | {M(content):0.0} µs |"));
        Console.WriteLine(FormattableString.Invariant($"| of which: signed head (Ed25519 note signature) | {M(signature):0.0} µs |"));
        Console.WriteLine(FormattableString.Invariant($"| of which: inclusion proof ({receipt.InclusionProof.Count} hashes) | {M(inclusion):0.0} µs |"));
        Console.WriteLine(FormattableString.Invariant($"| allocations per verification | {M(allocated):N0} B |"));
        Console.WriteLine();
        Console.WriteLine("Per run (median): " + string.Join(", ", whole.Select(v => v.ToString("0.0", CultureInfo.InvariantCulture))) + " µs.");
        return Task.FromResult(0);
    }

    /// <summary>Microseconds of each of <paramref name="count"/> calls.</summary>
    private static List<double> Time<T>(int count, Func<T> action)
    {
        var samples = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            GC.KeepAlive(action());
            samples.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
        }

        return samples;
    }

    /// <summary>A log of <paramref name="entries"/> delta entries; returns one delta's canonical JSON, its receipt and the log's public key.</summary>
    private static (byte[] Delta, Receipt Receipt, byte[] PublicKey) BuildLog(int entries)
    {
        const string tenant = "tnt_0bench0000000000000000000";
        var origin = $"sandbox.pacspace.local/{tenant}/sandbox";
        var target = entries * 7L / 10; // a leaf deep in the tree, not on its right edge
        var range = CompactRange.Empty();
        var tiles = new MemoryTileStore();
        var recordedAt = DateTimeOffset.Parse("2026-11-23T12:00:00Z", CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
        var contentHash = new byte[MerkleTree.HashSize];
        byte[] delta = [];
        byte[] entry = [];
        for (long i = 0; i < entries; i++)
        {
            if (i == target)
            {
                var content = new DeltaContent(tenant, "sandbox", "cust_42", -5, "api_call", "ref-bench-42", JsonDocument.Parse("""{"region":"eu"}""").RootElement);
                delta = content.Canonical();
                entry = new LeafEntry(recordedAt, 12, i - 1000, -60, DeltaContent.HashCanonical(delta)).Encode();
                tiles.Write(range.Append(MerkleTree.HashLeaf(entry)));
                continue;
            }

            // Other entries only need distinct content hashes.
            System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(contentHash, i);
            tiles.Write(range.Append(new LeafEntry(recordedAt, 1 + (i / 1000), i >= 1000 ? i - 1000 : null, -5 * (1 + (i / 1000)), contentHash).LeafHash()));
        }

        using var key = LogSigningKey.Generate();
        var checkpoint = SignedNote.Sign(new Checkpoint(origin, entries, range.Root()).ToNoteBody(), origin, key);
        var proof = MerkleTree.InclusionProof(entries, target, Tiles.Reader(tiles));
        return (delta, new Receipt("rcp_bench", origin, target, entries, entry, proof, checkpoint), key.PublicKey);
    }
}
