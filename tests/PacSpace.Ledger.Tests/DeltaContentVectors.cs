using System.Text.Json;

namespace PacSpace.Ledger.Tests;

/// <summary>
/// The delta content vectors (Vectors/delta-content.json): each delta's fields, its canonical form and its content
/// hash, content versions 1 and 2, computed outside this code base (see the file's description).
/// </summary>
internal sealed class DeltaContentVectors
{
    private static readonly Lazy<IReadOnlyList<Vector>> Instance = new(Load);

    public static IReadOnlyList<Vector> All => Instance.Value;

    /// <summary>The vector's names, for theories.</summary>
    public static TheoryData<string> Names => [.. All.Select(v => v.Name)];

    public static Vector Named(string name) => All.Single(v => v.Name == name);

    private static IReadOnlyList<Vector> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Vectors", "delta-content.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var vectors = document.RootElement.GetProperty("deltas").EnumerateArray().Select(d => new Vector(
            d.GetProperty("name").GetString()!,
            d.GetProperty("contentVersion").GetInt32(),
            d.GetProperty("tenant").GetString()!,
            d.GetProperty("env").GetString()!,
            d.GetProperty("customerId").GetString()!,
            d.GetProperty("amount").GetString()!,
            d.GetProperty("reason").GetString()!,
            d.GetProperty("referenceId").GetString(),
            d.GetProperty("metadata").Clone(),
            d.GetProperty("adjusts").Clone(),
            d.GetProperty("canonical").GetString()!,
            d.GetProperty("contentHash").GetString()!)).ToList();
        if (vectors.Count == 0 || !vectors.Any(v => v.ContentVersion == 1) || !vectors.Any(v => v.ContentVersion == 2))
        {
            throw new InvalidOperationException("The delta content vectors must hold deltas of content versions 1 and 2.");
        }

        return vectors;
    }

    /// <summary>One delta: its fields as JSON values (<c>null</c> where absent), its canonical text and content hash (hex).</summary>
    public sealed record Vector(string Name, int ContentVersion, string Tenant, string Env, string CustomerId, string Amount, string Reason,
        string? ReferenceId, JsonElement Metadata, JsonElement Adjusts, string Canonical, string ContentHash);
}
