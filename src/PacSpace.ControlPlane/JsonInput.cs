using Microsoft.AspNetCore.Http;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane;

/// <summary>The JSON body of a route turned into a use case's input; an unreadable body or a bad field is answered before the handler runs.</summary>
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
}
