using System;
using System.Management.Automation;
using System.Reflection;
using System.Threading;

namespace Outpost.PowerShell
{
    /// <summary>
    /// What the Invoke-OutpostCommand parent and child jobs share. Kept apart from the other Outpost job
    /// types on purpose: these follow Invoke-Command -AsJob's parent/child model and nothing else.
    /// </summary>
    public abstract class OutpostInvokeJobBase : Job2
    {
        private static readonly MethodInfo? SetStateWithReason = typeof(Job2).GetMethod("SetJobState",
            BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, null, new[] { typeof(JobState), typeof(Exception) }, null);

        protected OutpostInvokeJobBase(string command, string? name, string typeName) : base(command, name)
        {
            PSJobTypeName = typeName;
        }

        /// <summary>
        /// A finished state with JobStateInfo.Reason, as every PowerShell job gives it; the reference
        /// assembly hides the overload that takes it (Job2's protected SetJobState(state, reason)).
        /// </summary>
        protected void SetFinalState(JobState state, Exception? reason)
        {
            if (reason != null && SetStateWithReason != null)
            {
                try
                {
                    SetStateWithReason.Invoke(this, new object[] { state, reason });
                    return;
                }
                catch (TargetInvocationException) { }
            }
            SetJobState(state);
        }

        internal static bool IsFinished(JobState state) =>
            state == JobState.Completed || state == JobState.Failed || state == JobState.Stopped;

        public override void StartJobAsync()
        {
            StartJob();
            OnStartJobCompleted(new System.ComponentModel.AsyncCompletedEventArgs(null, false, null));
        }

        public override void StopJob() => StopJob(false, null);

        public override void StopJobAsync() => StopJobAsync(false, null);

        /// <summary>Stop-Job waits for StopJobCompleted, so it is always raised.</summary>
        public override void StopJobAsync(bool force, string? reason) =>
            ThreadPool.QueueUserWorkItem(_ =>
            {
                Exception? error = null;
                try { StopJob(force, reason); }
                catch (Exception e) { error = e; }
                OnStopJobCompleted(new System.ComponentModel.AsyncCompletedEventArgs(error, false, null));
            });

        public override void SuspendJob() => throw NotSupported();
        public override void SuspendJobAsync() => throw NotSupported();
        public override void SuspendJob(bool force, string? reason) => throw NotSupported();
        public override void SuspendJobAsync(bool force, string? reason) => throw NotSupported();
        public override void ResumeJob() => throw NotSupported();
        public override void ResumeJobAsync() => throw NotSupported();
        public override void UnblockJob() => throw NotSupported();
        public override void UnblockJobAsync() => throw NotSupported();

        private static NotSupportedException NotSupported() =>
            new NotSupportedException("Invoke-OutpostCommand jobs cannot be suspended, resumed or unblocked; Stop-Job cancels them");
    }
}
