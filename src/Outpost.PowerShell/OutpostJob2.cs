using System;
using System.Management.Automation;
using System.Reflection;
using System.Threading;

namespace Outpost.PowerShell
{
    /// <summary>
    /// The Job2 plumbing every Outpost job type needs, once: Stop-Job's overloads (StopJobCompleted always
    /// raised, since Stop-Job waits for it), the failure reason in JobStateInfo.Reason, and a clear refusal
    /// of suspend, resume and unblock, which no Outpost job can do.
    /// </summary>
    public abstract class OutpostJob2 : Job2
    {
        // Job.SetJobState(state, reason) is internal in every PowerShell (5.1 and 7), yet it is the only way
        // to fill JobStateInfo.Reason, which Get-Job, Wait-Job and scripts read. Without it: state only.
        private static readonly MethodInfo? SetJobStateWithReason = typeof(Job).GetMethod("SetJobState",
            BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, null, new[] { typeof(JobState), typeof(Exception) }, null);

        protected OutpostJob2(string command, string? name, string typeName) : base(command, name)
        {
            PSJobTypeName = typeName;
        }

        /// <summary>Sets a finished state with its reason; false where this PowerShell offers no way to (the state is then not set).</summary>
        protected bool TrySetStateWithReason(JobState state, Exception reason)
        {
            if (SetJobStateWithReason == null) return false;
            try
            {
                SetJobStateWithReason.Invoke(this, new object[] { state, reason });
                return true;
            }
            catch (TargetInvocationException) { return false; }
        }

        protected static bool IsFinishedState(JobState state) =>
            state == JobState.Completed || state == JobState.Failed || state == JobState.Stopped;

        public override void StopJob() => StopJob(false, null);

        public override void StopJobAsync() => StopJobAsync(false, null);

        /// <summary>Stop-Job calls this and waits for StopJobCompleted, so it must always be raised.</summary>
        public override void StopJobAsync(bool force, string? reason) =>
            ThreadPool.QueueUserWorkItem(_ =>
            {
                Exception? error = null;
                try { StopJob(force, reason); }
                catch (Exception e) { error = e; }
                OnStopJobCompleted(new System.ComponentModel.AsyncCompletedEventArgs(error, false, null));
            });

        /// <summary>What the user can do instead, for the suspend/resume/unblock refusal.</summary>
        protected virtual string InsteadOfSuspending => "Stop-Job stops it";

        public override void SuspendJob() => throw NotSupported("suspended");
        public override void SuspendJobAsync() => throw NotSupported("suspended");
        public override void SuspendJob(bool force, string? reason) => throw NotSupported("suspended");
        public override void SuspendJobAsync(bool force, string? reason) => throw NotSupported("suspended");
        public override void ResumeJob() => throw NotSupported("resumed");
        public override void ResumeJobAsync() => throw NotSupported("resumed");
        public override void UnblockJob() => throw NotSupported("unblocked");
        public override void UnblockJobAsync() => throw NotSupported("unblocked");

        private NotSupportedException NotSupported(string what) =>
            new NotSupportedException($"{PSJobTypeName} jobs cannot be {what}; {InsteadOfSuspending}");
    }
}
