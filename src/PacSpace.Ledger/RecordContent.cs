using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PacSpace.Ledger;

/// <summary>Where a record's entry stands in its life: the first entry records it, later ones amend or close it.</summary>
public enum RecordLifecycle : byte
{
    /// <summary>The record's first entry (and only its first).</summary>
    Recorded = 1,

    /// <summary>An entry that amends an earlier entry of the same record.</summary>
    Amended = 2,

    /// <summary>The record's last entry: a closed record takes nothing more.</summary>
    Closed = 3,
}

/// <summary>The wire names of <see cref="RecordLifecycle"/>: <c>recorded</c>, <c>amended</c>, <c>closed</c>.</summary>
public static class RecordLifecycles
{
    /// <summary>The accepted names, for messages.</summary>
    public const string Names = "recorded, amended, closed";

    /// <summary>The wire name of a lifecycle.</summary>
    public static string Name(RecordLifecycle lifecycle) => lifecycle switch
    {
        RecordLifecycle.Recorded => "recorded",
        RecordLifecycle.Amended => "amended",
        RecordLifecycle.Closed => "closed",
        _ => throw new ArgumentOutOfRangeException(nameof(lifecycle), lifecycle, "Only recorded, amended and closed exist."),
    };

    /// <summary>Reads a wire name (exact, lower case).</summary>
    public static bool TryParse(string? name, out RecordLifecycle lifecycle)
    {
        lifecycle = name switch
        {
            "recorded" => RecordLifecycle.Recorded,
            "amended" => RecordLifecycle.Amended,
            "closed" => RecordLifecycle.Closed,
            _ => 0,
        };
        return lifecycle != 0;
    }
}

/// <summary>
/// A record's key: <c>"0x"</c> + hex SHA-256(<c>"pacspace-record-key/v1\n"</c> ‖ tenant ‖ <c>"\n"</c> ‖ env ‖ <c>"\n"</c> ‖
/// recordType ‖ <c>"\n"</c> ‖ entityId), UTF-8. Stable and opaque (66 characters); the parts hold no line feed, so the
/// joined text is never ambiguous.
/// </summary>
public static class RecordKey
{
    /// <summary>Length of the key's text: <c>0x</c> and 64 hex digits.</summary>
    public const int Length = 66;

    /// <summary>Domain separation of the key's hash.</summary>
    public static ReadOnlySpan<byte> HashPrefix => "pacspace-record-key/v1\n"u8;

    /// <summary>The 32 bytes of the key.</summary>
    public static byte[] Hash(string tenant, string env, string recordType, string entityId)
    {
        var text = Encoding.UTF8.GetBytes(string.Join('\n', tenant, env, recordType, entityId));
        var input = new byte[HashPrefix.Length + text.Length];
        HashPrefix.CopyTo(input);
        text.CopyTo(input, HashPrefix.Length);
        return SHA256.HashData(input);
    }

    /// <summary>The key as the API writes it: <c>0x</c> and 64 lower-case hex digits.</summary>
    public static string Of(string tenant, string env, string recordType, string entityId) => Format(Hash(tenant, env, recordType, entityId));

    /// <summary>The text form of 32 key bytes.</summary>
    public static string Format(ReadOnlySpan<byte> hash) => "0x" + Hex.Encode(hash);

    /// <summary>Reads a key's text: exactly <c>0x</c> and 64 lower-case hex digits.</summary>
    public static bool TryParse(string? text, out byte[] hash)
    {
        hash = [];
        if (text is not { Length: Length } || !text.StartsWith("0x", StringComparison.Ordinal) || text.AsSpan(2).IndexOfAnyExcept("0123456789abcdef") >= 0)
        {
            return false;
        }

        hash = Convert.FromHexString(text.AsSpan(2));
        return true;
    }
}

/// <summary>
/// One entry of a record as its content hash covers it: <c>{v:1, tenant, env, recordType, entityId, seq, lifecycle,
/// content}</c>, where <c>content</c> is what the client sent (title, occurredAt, actorId, payloads and the optional
/// members) and <c>seq</c> counts the record's entries from 0. <c>contentHash = SHA-256("pacspace-record/v1\n" ‖
/// JCS(entry))</c>. The time the plane recorded it stays out, so a client can compute the hash before sending.
/// </summary>
/// <param name="Tenant">The tenant's id.</param>
/// <param name="Env"><c>sandbox</c> or <c>production</c>.</param>
/// <param name="RecordType">The record's type (<c>machine-action-record</c> by default in the official clients).</param>
/// <param name="EntityId">The record's id within its type.</param>
/// <param name="Seq">The entry's place in its record, from 0.</param>
/// <param name="Lifecycle">Recorded, amended or closed.</param>
/// <param name="Content">The content object as sent.</param>
public sealed record RecordContent(string Tenant, string Env, string RecordType, string EntityId, long Seq, RecordLifecycle Lifecycle, JsonElement Content)
{
    /// <summary>The only content version of record entries so far.</summary>
    public const int Version = 1;

    /// <summary>Domain separation: a record's content hash can never be confused with a delta's or any other SHA-256.</summary>
    public static ReadOnlySpan<byte> HashPrefix => "pacspace-record/v1\n"u8;

    /// <summary>The record's key (<see cref="RecordKey"/>).</summary>
    public string RecordKey => Ledger.RecordKey.Of(Tenant, Env, RecordType, EntityId);

    /// <summary>The RFC 8785 bytes that are hashed.</summary>
    /// <exception cref="JcsException">The content is not I-JSON (a lone surrogate, a duplicate member, a non-finite number).</exception>
    public byte[] Canonical()
    {
        if (Content.ValueKind != JsonValueKind.Object)
        {
            throw new JcsException("A record entry's content is a JSON object.");
        }

        var output = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v", Version);
            writer.WriteString("tenant", Tenant);
            writer.WriteString("env", Env);
            writer.WriteString("recordType", RecordType);
            writer.WriteString("entityId", EntityId);
            writer.WriteNumber("seq", Seq);
            writer.WriteString("lifecycle", RecordLifecycles.Name(Lifecycle));
            writer.WritePropertyName("content");
            Content.WriteTo(writer);
            writer.WriteEndObject();
        }

        return Jcs.Canonicalize(output.WrittenSpan);
    }

    /// <summary>SHA-256 over the prefix and the canonical bytes.</summary>
    public byte[] ContentHash() => HashCanonical(Canonical());

    /// <summary>The content hash of canonical bytes already at hand.</summary>
    public static byte[] HashCanonical(ReadOnlySpan<byte> canonical)
    {
        var input = new byte[HashPrefix.Length + canonical.Length];
        HashPrefix.CopyTo(input);
        canonical.CopyTo(input.AsSpan(HashPrefix.Length));
        return SHA256.HashData(input);
    }

    /// <summary>Reads an entry back from its JSON (as a counterparty holds it, any formatting).</summary>
    /// <exception cref="JcsException">Not a record entry of a known content version.</exception>
    public static RecordContent Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            var root = document.RootElement;
            if (root.GetProperty("v").GetInt32() != Version)
            {
                throw new JcsException("Only version 1 record entries are known.");
            }

            if (!RecordLifecycles.TryParse(root.GetProperty("lifecycle").GetString(), out var lifecycle))
            {
                throw new JcsException($"A record entry's lifecycle is one of {RecordLifecycles.Names}.");
            }

            var seq = root.GetProperty("seq").GetInt64();
            var content = root.GetProperty("content");
            if (seq < 0 || content.ValueKind != JsonValueKind.Object)
            {
                throw new JcsException("A record entry's seq is a whole number from 0 and its content an object.");
            }

            return new RecordContent(
                root.GetProperty("tenant").GetString()!,
                root.GetProperty("env").GetString()!,
                root.GetProperty("recordType").GetString()!,
                root.GetProperty("entityId").GetString()!,
                seq,
                lifecycle,
                content.Clone());
        }
        catch (Exception ex) when (ex is not JcsException && ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new JcsException("Not a PacSpace record entry: " + ex.Message, ex);
        }
    }
}
