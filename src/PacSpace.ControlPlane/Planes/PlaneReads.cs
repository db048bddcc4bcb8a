using System.Text.Json;
using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Features.Environments;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Planes;

/// <summary>
/// Reads an environment's data from its plane on a signed-in user's behalf, through the plane's internal read routes (never
/// its database): the environment must be one the tenant may use and active (<see cref="EnvironmentGate"/>), the tenant is
/// the actor's, and a plane that does not answer is a 503 saying so rather than a failure of the page.
/// </summary>
internal sealed class PlaneReads(Database db, PlaneClient planes, IOptions<PlanesOptions> options)
{
    /// <param name="what">The data asked for in <paramref name="env"/>, as the subject of a refusal: <c>Sandbox customers</c>.</param>
    /// <param name="path">A read route of the actor's tenant (<see cref="Contracts.Reads.ReadRoutes"/>).</param>
    public async Task<Result<T>> AskAsync<T>(Actor actor, PacSpaceEnvironment env, string what, string path, IEnumerable<KeyValuePair<string, string?>> query,
        CancellationToken ct)
        where T : class
    {
        await using (var connection = await db.OpenAsync(ct))
        {
            if (await EnvironmentGate.CheckAsync(connection, actor.TenantId, env, what, ct) is { } refused)
            {
                return refused;
            }
        }

        try
        {
            return await planes.ReadAsync<T>(env, path, query, options.Value.RequestTimeout, ct);
        }
        catch (Exception ex) when (PlaneClient.IsUnavailable(ex, ct) || ex is InvalidDataException or JsonException)
        {
            return Unavailable(env);
        }
    }

    public static Error Unavailable(PacSpaceEnvironment env) => new(503, ErrorCodes.ServiceUnavailable,
        $"The {(env == PacSpaceEnvironment.Production ? "Production" : "Sandbox")} environment did not answer, so its data cannot be shown now. Try again shortly.")
    {
        RetryAfterSeconds = 5,
    };
}
