using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PacSpace.Ledger;

/// <summary>The input is not I-JSON that RFC 8785 can canonicalize (duplicate names, lone surrogates, non-finite numbers, bad JSON).</summary>
public sealed class JcsException(string message, Exception? inner = null) : FormatException(message, inner);

/// <summary>
/// RFC 8785 JSON Canonicalization Scheme: no whitespace, object members sorted by their names' UTF-16 code
/// units, strings with only the mandatory escapes, numbers in ECMAScript <c>Number.prototype.toString</c>
/// form. Written here because no maintained .NET library exists; checked against the RFC's number table and
/// the reference implementation's test data.
/// </summary>
public static class Jcs
{
    private const int MaxDepth = 64;

    /// <summary>Canonical UTF-8 bytes of a JSON text.</summary>
    /// <exception cref="JcsException">The text is not JSON, or not I-JSON.</exception>
    public static byte[] Canonicalize(ReadOnlySpan<byte> utf8Json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json.ToArray(), new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException ex)
        {
            throw new JcsException("The input is not valid JSON: " + ex.Message, ex);
        }

        using (document)
        {
            return Canonicalize(document.RootElement);
        }
    }

    /// <summary>Canonical UTF-8 bytes of a parsed JSON value.</summary>
    /// <exception cref="JcsException">The value is not I-JSON.</exception>
    public static byte[] Canonicalize(JsonElement value)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(value, buffer, 0);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A double in the shortest form ECMAScript would print (RFC 8785 section 3.2.2.3).</summary>
    /// <exception cref="JcsException">NaN or an infinity, which JSON cannot carry.</exception>
    public static string FormatNumber(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new JcsException("NaN and infinities have no JSON form.");
        }

        if (value == 0)
        {
            return "0"; // minus zero too
        }

        // .NET prints the shortest round-trip digits; only the layout differs from ECMAScript's.
        var text = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var e = text.IndexOf('E', StringComparison.Ordinal);
        var mantissa = e < 0 ? text : text[..e];
        var exponent = e < 0 ? 0 : int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var integral = dot < 0 ? mantissa : mantissa[..dot];
        var digits = (integral + (dot < 0 ? "" : mantissa[(dot + 1)..])).TrimEnd('0');
        var n = integral.Length + exponent; // value = 0.digits × 10^n
        var leading = digits.Length - digits.TrimStart('0').Length;
        digits = digits[leading..];
        n -= leading;
        var k = digits.Length;

        var sb = new StringBuilder(32);
        if (value < 0)
        {
            sb.Append('-');
        }

        if (k <= n && n <= 21)
        {
            sb.Append(digits).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            sb.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            sb.Append("0.").Append('0', -n).Append(digits);
        }
        else
        {
            sb.Append(digits[0]);
            if (k > 1)
            {
                sb.Append('.').Append(digits, 1, k - 1);
            }

            var exp = n - 1;
            sb.Append('e').Append(exp < 0 ? '-' : '+').Append(Math.Abs(exp).ToString(CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    private static void Write(JsonElement value, IBufferWriter<byte> output, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new JcsException($"Nesting deeper than {MaxDepth} levels.");
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var members = new List<(string Name, JsonElement Value)>();
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in value.EnumerateObject())
                {
                    var name = ReadString(() => property.Name);
                    if (!names.Add(name))
                    {
                        throw new JcsException($"Duplicate member name \"{name}\".");
                    }

                    members.Add((name, property.Value));
                }

                members.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
                Raw(output, "{"u8);
                for (var i = 0; i < members.Count; i++)
                {
                    if (i > 0)
                    {
                        Raw(output, ","u8);
                    }

                    WriteString(members[i].Name, output);
                    Raw(output, ":"u8);
                    Write(members[i].Value, output, depth + 1);
                }

                Raw(output, "}"u8);
                break;
            case JsonValueKind.Array:
                Raw(output, "["u8);
                var first = true;
                foreach (var item in value.EnumerateArray())
                {
                    if (!first)
                    {
                        Raw(output, ","u8);
                    }

                    first = false;
                    Write(item, output, depth + 1);
                }

                Raw(output, "]"u8);
                break;
            case JsonValueKind.String:
                WriteString(ReadString(() => value.GetString()!), output);
                break;
            case JsonValueKind.Number:
                if (!double.TryParse(value.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
                {
                    throw new JcsException($"The number {value.GetRawText()} is outside the IEEE-754 double range.");
                }

                Raw(output, Encoding.UTF8.GetBytes(FormatNumber(number)));
                break;
            case JsonValueKind.True:
                Raw(output, "true"u8);
                break;
            case JsonValueKind.False:
                Raw(output, "false"u8);
                break;
            case JsonValueKind.Null:
                Raw(output, "null"u8);
                break;
            default:
                throw new JcsException($"Unexpected JSON value kind {value.ValueKind}.");
        }
    }

    private static string ReadString(Func<string> read)
    {
        string text;
        try
        {
            text = read();
        }
        catch (InvalidOperationException ex)
        {
            throw new JcsException("A string is not valid Unicode (lone surrogate).", ex);
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                throw new JcsException("A string is not valid Unicode (lone surrogate).");
            }
        }

        return text;
    }

    /// <summary>Writes a string in its canonical form: quoted, with only the escapes RFC 8785 requires, as UTF-8.</summary>
    /// <exception cref="JcsException">The string holds a lone surrogate (not valid Unicode).</exception>
    public static void WriteString(ReadOnlySpan<char> text, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                throw new JcsException("A string is not valid Unicode (lone surrogate).");
            }
        }

        Raw(output, "\""u8);
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c >= ' ' && c != '"' && c != '\\')
            {
                continue;
            }

            Utf8(text[start..i], output);
            start = i + 1;
            switch (c)
            {
                case '"': Raw(output, "\\\""u8); break;
                case '\\': Raw(output, "\\\\"u8); break;
                case '\b': Raw(output, "\\b"u8); break;
                case '\f': Raw(output, "\\f"u8); break;
                case '\n': Raw(output, "\\n"u8); break;
                case '\r': Raw(output, "\\r"u8); break;
                case '\t': Raw(output, "\\t"u8); break;
                default: Utf8(("\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture)).AsSpan(), output); break;
            }
        }

        Utf8(text[start..], output);
        Raw(output, "\""u8);
    }

    // Escapes are ASCII, so a run between two of them never splits a surrogate pair.
    private static void Utf8(ReadOnlySpan<char> chars, IBufferWriter<byte> output)
    {
        if (!chars.IsEmpty)
        {
            output.Advance(Encoding.UTF8.GetBytes(chars, output.GetSpan(Encoding.UTF8.GetMaxByteCount(chars.Length))));
        }
    }

    private static void Raw(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes) => output.Write(bytes);
}
