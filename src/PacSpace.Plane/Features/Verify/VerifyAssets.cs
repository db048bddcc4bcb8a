using System.Collections.Frozen;
using System.Security.Cryptography;

namespace PacSpace.Plane.Features.Verify;

/// <summary>
/// The verification pages' script and stylesheet, compiled into the assembly (<c>Features/Verify/Assets</c>) and served by
/// this plane: no CDN, so the page's policy can say <c>script-src 'self'</c> and nothing else. Each asset carries a
/// version (its hash) for its URL and an SRI hash for the page's <c>integrity</c> attribute.
/// </summary>
internal sealed class VerifyAssets
{
    public const string Prefix = "/verify-assets/";

    private const string ResourcePrefix = "verify-assets/";

    private readonly FrozenDictionary<string, Asset> _assets;

    public VerifyAssets()
    {
        var assembly = typeof(VerifyAssets).Assembly;
        _assets = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Select(n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                return Asset.Of(n[ResourcePrefix.Length..], buffer.ToArray());
            })
            .ToFrozenDictionary(a => a.Name, StringComparer.Ordinal);
    }

    public Asset Script => _assets["verify.js"];

    public Asset Style => _assets["verify.css"];

    public bool TryGet(string name, out Asset asset) => _assets.TryGetValue(name, out asset!);

    /// <param name="Version">The first 16 hex digits of the content's SHA-256: a new file is a new URL, so old copies can be cached for good.</param>
    /// <param name="Integrity">The SRI value (<c>sha384-…</c>) the page pins the asset with.</param>
    public sealed record Asset(string Name, byte[] Bytes, string ContentType, string Version, string Integrity)
    {
        public string Url => Prefix + Name + "?v=" + Version;

        public string ETag => "\"" + Version + "\"";

        public static Asset Of(string name, byte[] bytes) => new(name, bytes,
            name.EndsWith(".css", StringComparison.Ordinal) ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8",
            Convert.ToHexStringLower(SHA256.HashData(bytes))[..16],
            "sha384-" + Convert.ToBase64String(SHA384.HashData(bytes)));
    }
}
