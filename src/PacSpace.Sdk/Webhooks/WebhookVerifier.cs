using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PacSpace.Sdk.Webhooks;

/// <summary>
/// Checks PacSpace webhook deliveries: <c>X-PacSpace-Signature: v1=&lt;hex&gt;[,v1=&lt;hex&gt;…]</c> is HMAC-SHA256, keyed with
/// the secret's UTF-8 bytes (including <c>whsec_</c>), over <c>"{X-PacSpace-Timestamp}.{raw body}"</c>. Any listed <c>v1</c>
/// may match (during a secret rotation both are sent); other parts are ignored. The timestamp is Unix seconds, or
/// milliseconds when ≥ 10^12, and must be within the tolerance of now, past or future.
/// </summary>
public sealed class WebhookVerifier
{
    /// <summary>Default tolerance between the timestamp and now: 300 seconds.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromSeconds(300);

    private const string SignaturePrefix = "v1=";

    private readonly byte[][] _secrets;
    private readonly TimeProvider _time;

    /// <summary>Creates a verifier for one or more secrets (the current one and, during a rotation, the previous one).</summary>
    /// <exception cref="ArgumentException">No secret, or an empty one.</exception>
    public WebhookVerifier(IEnumerable<string> secrets, TimeProvider? time = null)
    {
        _secrets = secrets.Select(s => string.IsNullOrEmpty(s) ? throw new ArgumentException("A webhook secret must not be empty.", nameof(secrets)) : Encoding.UTF8.GetBytes(s)).ToArray();
        if (_secrets.Length == 0)
        {
            throw new ArgumentException("Give at least one webhook secret.", nameof(secrets));
        }

        _time = time ?? TimeProvider.System;
    }

    /// <summary>Creates a verifier for one secret.</summary>
    public WebhookVerifier(string secret, TimeProvider? time = null)
        : this([secret], time)
    {
    }

    /// <summary>Whether the delivery is authentic and fresh.</summary>
    public bool Verify(string? signatureHeader, string? timestampHeader, string rawBody, TimeSpan? tolerance = null)
    {
        if (string.IsNullOrWhiteSpace(signatureHeader) || string.IsNullOrWhiteSpace(timestampHeader) || rawBody is null
            || !long.TryParse(timestampHeader, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var stamp))
        {
            return false;
        }

        var seconds = Math.Abs(stamp) >= 1_000_000_000_000 ? stamp / 1000 : stamp;
        var age = Math.Abs(_time.GetUtcNow().ToUnixTimeSeconds() - seconds);
        if (age > (tolerance ?? DefaultTolerance).TotalSeconds)
        {
            return false;
        }

        var message = Encoding.UTF8.GetBytes(timestampHeader + "." + rawBody);
        var presented = signatureHeader.Split(',').Select(p => p.Trim()).Where(p => p.StartsWith(SignaturePrefix, StringComparison.Ordinal)).ToList();
        var matched = false;
        foreach (var secret in _secrets)
        {
            var expected = Encoding.ASCII.GetBytes(SignaturePrefix + Convert.ToHexStringLower(HMACSHA256.HashData(secret, message)));
            foreach (var part in presented)
            {
                // Every pair is compared in constant time; no early exit reveals which part matched.
                matched |= CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(part));
            }
        }

        return matched;
    }

    /// <summary>Verifies and parses a delivery; headers are looked up case-insensitively.</summary>
    /// <exception cref="PacSpaceException">Code <c>WEBHOOK_VERIFICATION_FAILED</c> when a header is missing, the signature does not match, the timestamp is stale, or the body is not a JSON object.</exception>
    public WebhookEvent VerifyAndParse(IEnumerable<KeyValuePair<string, string>> headers, string rawBody, TimeSpan? tolerance = null)
    {
        var map = headers.GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First().Value, StringComparer.OrdinalIgnoreCase);
        var signature = map.GetValueOrDefault(PacSpaceHeaders.WebhookSignature) ?? throw Failed($"Missing {PacSpaceHeaders.WebhookSignature} header.");
        var timestamp = map.GetValueOrDefault(PacSpaceHeaders.WebhookTimestamp) ?? throw Failed($"Missing {PacSpaceHeaders.WebhookTimestamp} header.");
        if (!Verify(signature, timestamp, rawBody, tolerance))
        {
            throw Failed("The webhook signature does not match or the timestamp is outside the tolerance.");
        }

        try
        {
            using var doc = JsonDocument.Parse(rawBody);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Failed("The webhook body is not a JSON object.");
            }

            var root = doc.RootElement;
            return new WebhookEvent(Str(root, "id"), Str(root, "event"), Str(root, "tenantId"), Str(root, "createdAt"),
                root.TryGetProperty("data", out var data) ? data.Clone() : default);
        }
        catch (JsonException ex)
        {
            throw new PacSpaceException(0, PacSpaceErrorCodes.WebhookVerificationFailed, "The webhook body is not JSON.", innerException: ex);
        }
    }

    private static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static PacSpaceException Failed(string message) => new(0, PacSpaceErrorCodes.WebhookVerificationFailed, message);
}

/// <summary>A verified webhook event: <c>delta.verified</c>, <c>delta.failed</c>, <c>record.committed</c>, <c>record.failed</c> or another.</summary>
public sealed record WebhookEvent(string? Id, string? Event, string? TenantId, string? CreatedAt, JsonElement Data);
