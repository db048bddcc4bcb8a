using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;

namespace PacSpace.Hosting.Web;

/// <summary>Whether every string and property name of a parsed document can be read as text.</summary>
internal static class JsonText
{
    /// <summary>
    /// The path of the first string or property name that is not valid UTF-8 or holds an escaped lone surrogate
    /// (<c>metadata.note</c>, <c>deltas[2].reason</c>), or null when all of them read. Strings without escapes are
    /// checked in place, without decoding them; only text with escapes is decoded.
    /// </summary>
    public static string? FirstUnreadable(JsonElement root)
    {
        List<string>? path = null;
        return Unreadable(root, ref path) ? Join(path ?? []) : null;
    }

    private static bool Unreadable(JsonElement element, ref List<string>? path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var name = JsonMarshal.GetRawUtf8PropertyName(property);
                    if (name.Contains((byte)'\\') ? !Decodes(property) : !Utf8.IsValid(name))
                    {
                        return true;
                    }

                    if (Unreadable(property.Value, ref path))
                    {
                        (path ??= []).Add(property.Name);
                        return true;
                    }
                }

                return false;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Unreadable(item, ref path))
                    {
                        (path ??= []).Add($"[{index}]");
                        return true;
                    }

                    index++;
                }

                return false;
            case JsonValueKind.String:
                var raw = JsonMarshal.GetRawUtf8Value(element);
                return raw.Contains((byte)'\\') ? !Decodes(element) : !Utf8.IsValid(raw);
            default:
                return false;
        }
    }

    // With escapes in the text only the decoder can judge it (a lone \ud800 is well-formed JSON but no text).
    private static bool Decodes(JsonProperty property)
    {
        try
        {
            _ = property.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool Decodes(JsonElement element)
    {
        try
        {
            _ = element.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string Join(List<string> reversed)
    {
        reversed.Reverse();
        var text = string.Concat(reversed.Select((part, i) => i > 0 && !part.StartsWith('[') ? "." + part : part));
        return text.Length == 0 ? "body" : text;
    }
}
