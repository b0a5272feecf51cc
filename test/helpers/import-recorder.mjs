import {register} from 'node:module'
register('./import-recorder-hooks.mjs', import.meta.url)
