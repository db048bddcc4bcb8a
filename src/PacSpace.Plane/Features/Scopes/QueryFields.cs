using System.Globalization;
using Microsoft.AspNetCore.Http;
using PacSpace.Hosting.Errors;

namespace PacSpace.Plane.Features.Scopes;

/// <summary>Typed reads of query-string fields that collect every problem, like <see cref="FieldReader"/> for bodies.</summary>
internal sealed class QueryFields(IQueryCollection query)
{
    public List<ErrorDetail> Errors { get; } = [];

    /// <summary>A field given once and not empty; a repeated field is a problem (no silent pick).</summary>
    public string? String(string name)
    {
        if (!query.TryGetValue(name, out var values) || values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return null;
        }

        if (values.Count > 1)
        {
            Errors.Add(new ErrorDetail(name, "must be given once"));
            return null;
        }

        return values[0];
    }

    /// <summary>The scope fields, read in the order their problems are reported.</summary>
    public ScopeFields Scope() => new(String("period"), String("timePreset"), String("startDate"), String("endDate"),
        String("startingCheckpoint"), String("startingCheckpointType"));

    public long Integer(string name, long fallback, long min, long max)
    {
        var text = String(name);
        if (text is null)
        {
            return fallback;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
        {
            return n;
        }

        Errors.Add(new ErrorDetail(name, $"must be a whole number from {min} to {max}"));
        return fallback;
    }
}
