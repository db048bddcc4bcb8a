using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PacSpace.Ledger;

/// <summary>
/// The signed statement of a period checkpoint: which part of the log the period covers (<c>fromSize</c> to
/// <c>toSize</c>), the roots at both ends, the root over the customers' closing balances and the period's
/// totals. Signed with the log's Ed25519 key over <c>"pacspace-period/v1\n" ‖ JCS(statement)</c>, so anyone
/// with an RFC 8785 library and the public key can check it. Amounts are decimal strings, like the delta's
/// canonical amount, so no JSON reader rounds them.
/// </summary>
public sealed record PeriodStatement(
    string Origin,
    string Period,
    DateTimeOffset StartDate,
    DateTimeOffset EndDate,
    long FromSize,
    long ToSize,
    byte[] RootHash,
    byte[] PrevRoot,
    byte[] BalancesRoot,
    long CustomerCount,
    long DeltaCount,
    long NetChange,
    DateTimeOffset ClosedAt)
{
    /// <summary>Signature domain separator.</summary>
    public const string Prefix = "pacspace-period/v1\n";

    /// <summary>The statement as a JSON object (the form served and signed).</summary>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteNumber("v", 1);
            w.WriteString("origin", Origin);
            w.WriteString("period", Period);
            w.WriteString("startDate", Time(StartDate));
            w.WriteString("endDate", Time(EndDate));
            w.WriteNumber("fromSize", FromSize);
            w.WriteNumber("toSize", ToSize);
            w.WriteString("rootHash", Hex.Encode(RootHash));
            w.WriteString("prevRoot", Hex.Encode(PrevRoot));
            w.WriteString("balancesRoot", Hex.Encode(BalancesRoot));
            w.WriteNumber("customerCount", CustomerCount);
            w.WriteNumber("deltaCount", DeltaCount);
            w.WriteString("netChange", NetChange.ToString(CultureInfo.InvariantCulture));
            w.WriteString("closedAt", Time(ClosedAt));
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The bytes the signature covers for a statement object as served.</summary>
    /// <exception cref="JcsException">The statement is not canonicalizable JSON.</exception>
    public static byte[] SigningInput(JsonElement statement) => [.. Encoding.UTF8.GetBytes(Prefix), .. Jcs.Canonicalize(statement)];

    /// <summary>Signs the statement; returns the 64-byte Ed25519 signature.</summary>
    public byte[] Sign(LogSigningKey key)
    {
        using var doc = JsonDocument.Parse(ToJson());
        return key.Sign(SigningInput(doc.RootElement));
    }

    /// <summary>Checks a served statement object against its signature and the log's public key.</summary>
    public static bool Verify(JsonElement statement, ReadOnlySpan<byte> signature, ReadOnlySpan<byte> publicKey32)
    {
        try
        {
            return statement.ValueKind == JsonValueKind.Object && Ed25519Verifier.Verify(publicKey32, SigningInput(statement), signature);
        }
        catch (JcsException)
        {
            return false;
        }
    }

    /// <summary>UTC, millisecond precision, <c>Z</c>: one spelling per instant, so signatures are reproducible.</summary>
    public static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
