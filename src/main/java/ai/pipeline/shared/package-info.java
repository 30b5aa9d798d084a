/**
 * What every party shares and nothing more: the task contract that domains implement and the
 * engine runs ({@code task}), the storage root that confines client-supplied paths and which files a run wrote in it ({@code storage}),
 * and the API envelope ({@code api}). Depends on nothing else of ours.
 */
package ai.pipeline.shared;
