using System.Text.Json;
using System.Text.Json.Serialization;

namespace PacSpace.Ledger.Tests;

/// <summary>
/// The public RFC 6962 vectors from transparency-dev/merkle (Vectors/rfc6962.json), decoded once.
/// </summary>
internal sealed class Rfc6962Vectors
{
    private static readonly Lazy<Rfc6962Vectors> Instance = new(Load);

    private Rfc6962Vectors(byte[][] leafInputs, byte[][] leafHashes, byte[][] rootsBySize)
    {
        LeafInputs = leafInputs;
        LeafHashes = leafHashes;
        RootsBySize = rootsBySize;
    }

    public static Rfc6962Vectors Value => Instance.Value;

    public byte[][] LeafInputs { get; }

    public byte[][] LeafHashes { get; }

    /// <summary>Root of the tree of the first N leaves at index N, for N = 0..leaf count.</summary>
    public byte[][] RootsBySize { get; }

    private static Rfc6962Vectors Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Vectors", "rfc6962.json");
        var file = JsonSerializer.Deserialize<VectorFile>(File.ReadAllText(path))
            ?? throw new InvalidOperationException("Vector file is empty.");

        var inputs = file.LeafInputs.Select(Decode).ToArray();
        var hashes = file.LeafHashes.Select(Decode).ToArray();
        var roots = file.RootsBySize.Select(Decode).ToArray();
        if (inputs.Length == 0 || hashes.Length != inputs.Length || roots.Length != inputs.Length + 1)
        {
            throw new InvalidOperationException("Vector file does not have one hash per leaf and one root per size.");
        }

        return new Rfc6962Vectors(inputs, hashes, roots);
    }

    private static byte[] Decode(string hex) =>
        Hex.TryDecode(hex, out var bytes) ? bytes : throw new InvalidOperationException($"Bad hex in vectors: {hex}");

    private sealed class VectorFile
    {
        [JsonPropertyName("leafInputs")]
        public string[] LeafInputs { get; init; } = [];

        [JsonPropertyName("leafHashes")]
        public string[] LeafHashes { get; init; } = [];

        [JsonPropertyName("rootsBySize")]
        public string[] RootsBySize { get; init; } = [];
    }
}
