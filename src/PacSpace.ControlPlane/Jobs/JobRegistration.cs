using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace PacSpace.ControlPlane.Jobs;

internal static class JobRegistration
{
    /// <summary>Binds a job's options section, validated at start-up.</summary>
    public static IServiceCollection AddJobOptions<TOptions>(this IServiceCollection services, IConfiguration config, string section)
        where TOptions : JobOptions
    {
        services.AddOptions<TOptions>().Bind(config.GetSection(section)).ValidateDataAnnotations()
            .Validate(o => o.LeaseDuration > o.RequestTimeout, $"{section}:LeaseDuration must be longer than {section}:RequestTimeout.")
            .ValidateOnStart();
        return services;
    }

    /// <summary>Adds <typeparamref name="TJob"/> to the one <see cref="JobRunner"/>, with its signal.</summary>
    public static IServiceCollection AddLeasedJob<TJob>(this IServiceCollection services)
        where TJob : class, ILeasedJob
    {
        services.TryAddSingleton<JobSignal<TJob>>();
        services.TryAddSingleton<TJob>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILeasedJob, TJob>(sp => sp.GetRequiredService<TJob>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, JobRunner>());
        return services;
    }
}
