using System.Buffers;
using System.Text;
using System.Text.Json;

namespace PacSpace.Ledger;

/// <summary>
/// Which earlier delta a delta corrects, named as the client named it: by its <c>referenceId</c> or by its
/// <c>recordId</c>. Part of the canonical delta from content version 2 on, exactly as sent
/// (<c>{"referenceId":"…"}</c> or <c>{"recordId":"…"}</c>), so a client can compute the content hash before sending.
/// </summary>
public sealed record DeltaAdjusts
{
    /// <summary>The member naming the adjusted delta by the client's own id.</summary>
    public const string ReferenceIdField = "referenceId";

    /// <summary>The member naming the adjusted delta by its record id.</summary>
    public const string RecordIdField = "recordId";

    private DeltaAdjusts(string field, string value)
    {
        Field = field;
        Value = value;
    }

    /// <summary><see cref="ReferenceIdField"/> or <see cref="RecordIdField"/>.</summary>
    public string Field { get; }

    /// <summary>The id given for it.</summary>
    public string Value { get; }

    /// <summary>True when the delta is named by its record id, false when by its referenceId.</summary>
    public bool ByRecordId => Field == RecordIdField;

    public static DeltaAdjusts ByReference(string referenceId) => new(ReferenceIdField, referenceId ?? throw new ArgumentNullException(nameof(referenceId)));

    public static DeltaAdjusts ByRecord(string recordId) => new(RecordIdField, recordId ?? throw new ArgumentNullException(nameof(recordId)));

    /// <summary>Reads <c>{"referenceId": "…"}</c> or <c>{"recordId": "…"}</c>: one member, a string; anything else is not an adjusts.</summary>
    public static bool TryRead(JsonElement value, out DeltaAdjusts? adjusts)
    {
        adjusts = null;
        if (value.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        using var members = value.EnumerateObject();
        if (!members.MoveNext())
        {
            return false;
        }

        var only = members.Current;
        if (members.MoveNext() || only.Value.ValueKind != JsonValueKind.String || only.Name is not (ReferenceIdField or RecordIdField))
        {
            return false;
        }

        adjusts = new DeltaAdjusts(only.Name, only.Value.GetString()!);
        return true;
    }

    /// <summary>Reads the JSON text of an adjusts (as <see cref="ToJson"/> writes it, or any formatting of it).</summary>
    /// <exception cref="JcsException">Not an adjusts.</exception>
    public static DeltaAdjusts Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return TryRead(document.RootElement, out var adjusts)
                ? adjusts!
                : throw new JcsException("adjusts must be {\"referenceId\": \"…\"} or {\"recordId\": \"…\"}.");
        }
        catch (JsonException ex)
        {
            throw new JcsException("adjusts is not JSON: " + ex.Message, ex);
        }
    }

    /// <summary>The RFC 8785 form, as it is hashed inside the canonical delta.</summary>
    public byte[] Canonical()
    {
        var output = new ArrayBufferWriter<byte>(Bound());
        Write(output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>The RFC 8785 form as text.</summary>
    public string ToJson() => Encoding.UTF8.GetString(Canonical());

    internal void Write(IBufferWriter<byte> output)
    {
        output.Write(ByRecordId ? "{\"recordId\":"u8 : "{\"referenceId\":"u8);
        Jcs.WriteString(Value, output);
        output.Write("}"u8);
    }

    internal int Bound() => 16 + (6 * Value.Length);
}
