export { getModelRelations, type ModelRelations } from "./model-relations.js";
export { modelToDot, type RenderModelOptions, renderModel, renderRelations } from "./render-model.js";
