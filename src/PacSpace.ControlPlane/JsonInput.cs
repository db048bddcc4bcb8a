using Microsoft.AspNetCore.Http;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane;

/// <summary>The JSON body or query of a route turned into a use case's input; an unreadable body or a bad field is answered before the handler runs.</summary>
internal static class JsonInput
{
    public static async Task<IResult> HandleAsync<TInput>(HttpRequest request, Func<FieldReader, Result<TInput>> read, Func<TInput, Task<IResult>> handle, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(request, ct);
        if (!body.IsSuccess)
        {
            return Envelope.Fail(body.Error!);
        }

        var input = read(body.Value);
        return input.IsSuccess ? await handle(input.Value) : Envelope.Fail(input.Error!);
    }

    /// <summary>The JSON body turned into a use case's input; a body that is absent reads as <c>{}</c> unless <paramref name="required"/>.</summary>
    public static async Task<Result<T>> ReadAsync<T>(HttpRequest request, bool required, Func<FieldReader, Result<T>> read, CancellationToken ct)
    {
        var body = required ? await JsonBody.ReadAsync(request, ct) : await JsonBody.ReadOptionalAsync(request, ct);
        return body.IsSuccess ? read(body.Value) : body.Error!;
    }

    /// <summary>
    /// The query of a list route: an optional <c>environment</c> filter in one of the <paramref name="accepted"/> spellings
    /// (said by <paramref name="acceptedText"/>), and <c>page</c>/<c>limit</c> (<see cref="Paging"/>); every problem is reported together.
    /// </summary>
    public static Result<(PacSpaceEnvironment? Environment, int Page, int Limit)> ListQuery(IQueryCollection query,
        IReadOnlyDictionary<string, PacSpaceEnvironment> accepted, string acceptedText)
    {
        var errors = new List<ErrorDetail>();
        var filter = query["environment"].ToString();
        PacSpaceEnvironment? env = null;
        if (filter.Length > 0)
        {
            if (accepted.TryGetValue(filter, out var parsed))
            {
                env = parsed;
            }
            else
            {
                errors.Add(new ErrorDetail("environment", $"must be one of {acceptedText}"));
            }
        }

        var paging = Paging.Read(query, errors);
        return paging.IsSuccess ? (env, paging.Value.Page, paging.Value.Limit) : paging.Error!;
    }
}
