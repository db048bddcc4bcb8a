using System.Buffers.Text;
using System.Text.Json;
using PacSpace.Contracts.Reads;
using PacSpace.Hosting.Errors;

namespace PacSpace.Plane.Features.LedgerReads;

/// <summary>
/// The cursor of a keyset page: the sort key of the last row of the page before, as a JSON array in base64url. Opaque to the
/// control plane, which only hands it back; whatever it holds is checked here, and a cursor of another page or another
/// tenant only names a place in this tenant's rows, so it can show nothing else.
/// </summary>
internal static class ReadCursor
{
    public const string Field = "cursor";

    public static string Of(params object[] key) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(key));

    /// <summary>The key's parts, when <paramref name="text"/> is a cursor of <paramref name="count"/> parts; null and a problem named <c>cursor</c> otherwise.</summary>
    public static JsonElement[]? Read(string text, int count, List<ErrorDetail> problems)
    {
        try
        {
            if (text.Length <= ReadRoutes.MaxCursorLength
                && JsonSerializer.Deserialize<JsonElement[]>(Base64Url.DecodeFromChars(text)) is { } parts && parts.Length == count)
            {
                return parts;
            }
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
        }

        problems.Add(new ErrorDetail(Field, "is not a cursor of this list; use the next value of a page, or leave it out for the first page"));
        return null;
    }

    /// <summary>A text part of a key; null (and a problem) when it is not one.</summary>
    public static string? Text(JsonElement part, List<ErrorDetail> problems) =>
        part.ValueKind == JsonValueKind.String ? part.GetString() : Bad<string>(problems);

    /// <summary>A whole-number part of a key, from 0; null (and a problem) when it is not one.</summary>
    public static long? Whole(JsonElement part, List<ErrorDetail> problems) =>
        part.ValueKind == JsonValueKind.Number && part.TryGetInt64(out var n) && n >= 0 ? n : Bad<long?>(problems);

    private static T? Bad<T>(List<ErrorDetail> problems)
    {
        problems.Add(new ErrorDetail(Field, "is not a cursor of this list; use the next value of a page, or leave it out for the first page"));
        return default;
    }
}
