using System.Threading;
using System.Threading.Tasks;

namespace Outpost.Core.Dispatch
{
    /// <summary>Runs one job. The responder does not care how: a subprocess today, something else tomorrow.</summary>
    public interface IJobDispatcher
    {
        /// <param name="cancel">The job's cancel sentinel appeared: kill it, exit 126.</param>
        /// <param name="interrupt">The responder is being stopped hard: kill it, report it interrupted.</param>
        Task<DispatchOutcome> RunAsync(DispatchRequest request, CancellationToken cancel, CancellationToken interrupt);
    }
}
