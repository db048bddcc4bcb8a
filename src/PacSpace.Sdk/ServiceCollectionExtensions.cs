using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace PacSpace.Sdk;

/// <summary>Registration with Microsoft.Extensions.DependencyInjection.</summary>
public static class PacSpaceServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="PacSpaceClient"/> whose HTTP connections come from IHttpClientFactory (named client
    /// <c>PacSpace</c>, so handlers and lifetimes can be configured with <c>AddHttpClient("PacSpace")</c>). The options are
    /// validated when the client is first resolved (the key's prefix and checksum included).
    /// </summary>
    public static IServiceCollection AddPacSpace(this IServiceCollection services, Action<PacSpaceClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<PacSpaceClientOptions>().Configure(configure)
            .Validate(o => TryEnvironment(o.ApiKey), "PacSpace ApiKey must be a full pk_test_ or pk_live_ key with a valid checksum.")
            .Validate(o => o.MaxRetries is >= 0 and <= 10 && o.Timeout > TimeSpan.Zero, "PacSpace MaxRetries must be 0–10 and Timeout positive.");
        services.AddHttpClient(HttpClientName, c => c.Timeout = System.Threading.Timeout.InfiniteTimeSpan);
        services.TryAddSingleton(sp => new PacSpaceClient(sp.GetRequiredService<IOptions<PacSpaceClientOptions>>().Value,
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName)));
        return services;
    }

    /// <summary>The IHttpClientFactory client name used by <see cref="AddPacSpace"/>.</summary>
    public const string HttpClientName = "PacSpace";

    private static bool TryEnvironment(string key)
    {
        try
        {
            PacSpaceClient.EnvironmentOf(key);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
