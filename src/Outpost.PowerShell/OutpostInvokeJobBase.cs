using System;
using System.Management.Automation;

namespace Outpost.PowerShell
{
    /// <summary>
    /// What the Invoke-OutpostCommand parent and child jobs share. Kept apart from the other Outpost job
    /// types on purpose: these follow Invoke-Command -AsJob's parent/child model and nothing else.
    /// </summary>
    public abstract class OutpostInvokeJobBase : OutpostJob2
    {
        protected OutpostInvokeJobBase(string command, string? name, string typeName) : base(command, name, typeName) { }

        /// <summary>
        /// A finished state with JobStateInfo.Reason, as every PowerShell job gives it; the reference
        /// assembly hides the overload that takes it (Job2's protected SetJobState(state, reason)).
        /// </summary>
        protected void SetFinalState(JobState state, Exception? reason)
        {
            if (reason == null || !TrySetStateWithReason(state, reason)) SetJobState(state);
        }

        internal static bool IsFinished(JobState state) => IsFinishedState(state);

        public override void StartJobAsync()
        {
            StartJob();
            OnStartJobCompleted(new System.ComponentModel.AsyncCompletedEventArgs(null, false, null));
        }

        protected override string InsteadOfSuspending => "Stop-Job cancels them";
    }
}
