using Microsoft.Extensions.DependencyInjection;

namespace PacSpace.ControlPlane.Features.Ledger;

/// <summary>
/// An environment's ledger data as the dashboard pages show it — customers, deltas, checkpoints, records, usage — read from
/// that environment's plane through its internal read routes (<see cref="Planes.PlaneReads"/>), never from its database.
/// </summary>
internal static class LedgerReads
{
    /// <summary>Longest search text the pages pass on (a customer id is at most 256 characters).</summary>
    public const int MaxSearch = 256;

    public static IServiceCollection AddLedgerReads(this IServiceCollection services) =>
        services.AddSingleton<ListCustomers>().AddSingleton<GetCustomer>().AddSingleton<ListDeltas>().AddSingleton<GetDelta>()
            .AddSingleton<ListCheckpoints>().AddSingleton<ListRecords>().AddSingleton<GetRecordHistory>().AddSingleton<GetUsage>();

    /// <summary>What a refusal calls the data of an environment: <c>Sandbox customers</c>.</summary>
    public static string Of(PacSpaceEnvironment env, string what) => $"{(env == PacSpaceEnvironment.Production ? "Production" : "Sandbox")} {what}";

    public static KeyValuePair<string, string?> Q(string name, string? value) => new(name, value);

    public static KeyValuePair<string, string?> Q(string name, long? value) => new(name, value?.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
