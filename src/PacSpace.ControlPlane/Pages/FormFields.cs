using System.Text.Json;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Pages;

/// <summary>Turns posted form fields into the same <see cref="FieldReader"/> the JSON routes use, so both share one set of rules.</summary>
internal static class FormFields
{
    public static FieldReader Read(Microsoft.AspNetCore.Http.IFormCollection form, params string[] names)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var value = form[name].ToString();
            if (value.Length > 0)
            {
                values[name] = value;
            }
        }

        return new FieldReader(JsonSerializer.SerializeToElement(values));
    }

    public static FieldReader Of(IReadOnlyDictionary<string, object?> values) => new(JsonSerializer.SerializeToElement(values));
}
