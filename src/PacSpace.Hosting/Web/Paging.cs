using System.Globalization;
using Microsoft.AspNetCore.Http;
using PacSpace.Hosting.Errors;

namespace PacSpace.Hosting.Web;

/// <summary>One page of a list: <c>{items, total, page, limit}</c>.</summary>
public sealed record PagedList<T>(IReadOnlyList<T> Items, long Total, int Page, int Limit);

/// <summary>Reads <c>page</c> (≥ 1, default 1) and <c>limit</c> (1–100, default 20) from the query string.</summary>
public static class Paging
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    /// <param name="errors">Problems with other query fields, reported together with these.</param>
    public static Result<(int Page, int Limit)> Read(IQueryCollection query, List<ErrorDetail> errors)
    {
        var page = Int(query, "page", 1, 1, 1_000_000, errors);
        var limit = Int(query, "limit", DefaultLimit, 1, MaxLimit, errors);
        return errors.Count > 0 ? Error.Validation(errors) : (page, limit);
    }

    private static int Int(IQueryCollection query, string name, int fallback, int min, int max, List<ErrorDetail> errors)
    {
        if (!query.TryGetValue(name, out var values) || string.IsNullOrEmpty(values.ToString()))
        {
            return fallback;
        }

        if (values.Count == 1 && int.TryParse(values.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
        {
            return n;
        }

        errors.Add(new ErrorDetail(name, $"must be a whole number from {min} to {max}"));
        return fallback;
    }
}
